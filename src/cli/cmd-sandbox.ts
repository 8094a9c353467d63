import fs from 'node:fs';
import path from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { applyKubeMarker, applyObject, applyVaultMarker, applyVaultPolicy, waitForToken, type Applied } from '../../engine/access/apply-plan.ts';
import { IDENTITY, identityManifests } from '../../engine/access/rbac-manifests.ts';
import { VAULT_POLICY_NAME, vaultPolicyHcl } from '../../engine/access/vault-policy.ts';
import { findConfigFile, parseConfig } from '../config/load.ts';
import { homeDir } from '../config/paths.ts';
import { DEFAULT_KUBE_MARKER, DEFAULT_VAULT_MARKER } from '../config/types.ts';
import { readKubeconfig } from '../guard/kubeconfig-file.ts';
import { accessFor } from './access-table.ts';
import type { CommandContext } from './commands.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { json } from './io.ts';
import { sandboxConfigText } from './sandbox-config-text.ts';

const strings = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter(Boolean);

function markerConfigMap(): KubernetesObject {
  const m = DEFAULT_KUBE_MARKER;
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: m.namespace, name: m.name }, data: { [m.key]: m.value } } as KubernetesObject;
}

/** Manifests as one YAML stream, the Vault policy and marker as its leading comments (kubectl skips them). */
function printed(objects: KubernetesObject[], policy: string): string {
  const vm = DEFAULT_VAULT_MARKER;
  const head = [`Vault: vault kv put ${vm.mount}/${vm.path} ${vm.key}=${vm.value}`, `Vault policy ${VAULT_POLICY_NAME} (vault policy write ${VAULT_POLICY_NAME} -):`, ...policy.trimEnd().split('\n')].map((l) => `# ${l}`.trimEnd());
  return [head.join('\n'), ...objects.map((o) => stringify(o, { lineWidth: 0 }).trimEnd())].join('\n---\n') + '\n';
}

/** The kubeconfig of lab-tui's ServiceAccount: the sandbox cluster as the operator's names it, one context. */
function identityKubeconfig(context: string, clusterName: string, cluster: object, token: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster }],
    users: [{ name: `${IDENTITY.serviceAccount}@${context}`, user: { token } }],
    contexts: [{ name: context, context: { cluster: clusterName, user: `${IDENTITY.serviceAccount}@${context}` } }],
    'current-context': context,
  });
}

/** Writes `text` (mode 0600) unless the file holds it already. */
function writeFile(file: string, text: string, mode: number | undefined, what: string): Applied {
  const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (before === text && (mode === undefined || (fs.statSync(file).mode & 0o777) === mode)) return { what, outcome: 'unchanged' };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, mode === undefined ? {} : { mode });
  if (mode !== undefined) fs.chmodSync(file, mode);
  return { what, outcome: before === undefined ? 'created' : 'updated' };
}

export async function runSandboxInit(ctx: CommandContext): Promise<number> {
  if (ctx.global.sim) throw new UsageError('sandbox init sets up a real sandbox; --sim has nothing to set up');
  const v = ctx.values;
  const env = ctx.io.env;
  const configFile = findConfigFile(ctx.global.config, env).file;
  const { table, vault: vaultAccess } = accessFor(undefined);
  const manifests = [markerConfigMap(), ...identityManifests(table)];
  const policy = vaultPolicyHcl(vaultAccess);
  if (v.print) {
    ctx.io.stdout(printed(manifests, policy));
    return EXIT.ok;
  }

  const kubeconfigFile = path.resolve(typeof v.kubeconfig === 'string' ? v.kubeconfig : (env.KUBECONFIG?.split(path.delimiter).find(Boolean) ?? path.join(homeDir(env), '.kube', 'config')));
  const kc = readKubeconfig(kubeconfigFile);
  const contextName = typeof v.context === 'string' ? v.context : kc.currentContext;
  const context = kc.contexts.find((c) => c.name === contextName);
  if (!context) throw new UsageError(`${kubeconfigFile}: no context ${JSON.stringify(contextName ?? '')} (--context C names the sandbox's)`);
  const cluster = kc.clusters.find((c) => c.name === context.cluster);
  if (!cluster?.cluster.server) throw new UsageError(`${kubeconfigFile}: context ${context.name} names cluster ${context.cluster}, which has no server`);
  const vaultAddress = typeof v.vault === 'string' ? v.vault : undefined;
  const keyFile = typeof v['key-file'] === 'string' ? path.resolve(v['key-file']) : env.LAB_SANDBOX_KEY_FILE;
  if (vaultAddress && !keyFile) throw new UsageError('--vault needs the sandbox key file (--key-file FILE, the `vault operator init -format=json` output)');
  const prod = { contexts: strings(v['prod-context']), servers: strings(v['prod-server']), vault: strings(v['prod-vault']), keyFiles: strings(v['prod-key-file']) };
  // An empty deny-list protects nothing: the guard's prod rules would have nothing to refuse.
  if (!prod.contexts.length || !prod.servers.length) throw new UsageError('name prod, so lab-tui can refuse it: --prod-context NAME and --prod-server URL (each repeatable); the deny-list is never left empty');

  const identityFile = path.join(path.dirname(configFile), 'lab-tui.kubeconfig');
  const input = { name: typeof v.name === 'string' ? v.name : context.name, context: context.name, server: cluster.cluster.server, vault: vaultAddress && keyFile ? { address: vaultAddress, keyFile } : undefined, prod };
  const configText = sandboxConfigText({ ...input, kubeconfig: identityFile });
  // Applied with the operator's kubeconfig, through the same guard the generated configuration meets.
  const operatorConfig = parseConfig(sandboxConfigText({ ...input, kubeconfig: kubeconfigFile }), configFile, env);
  parseConfig(configText, configFile, env);
  const { openSandbox } = await import('../guard/sandbox.ts');
  const sandbox = await openSandbox(operatorConfig, env);

  const plan = [
    `target: context ${context.name} → ${cluster.cluster.server}${vaultAddress ? `, Vault ${vaultAddress}` : ''}`,
    ...manifests.map((o) => `  kubernetes ${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`),
    ...(vaultAddress ? [`  vault marker ${DEFAULT_VAULT_MARKER.mount}/${DEFAULT_VAULT_MARKER.path}`, `  vault policy ${VAULT_POLICY_NAME} (${vaultAccess.length} paths)`] : []),
    `  file ${identityFile} (0600, context ${context.name} only)`,
    `  file ${configFile}`,
  ];
  if (!v.json) ctx.io.stdout(`sandbox init will apply (missing or different only):\n${plan.join('\n')}`);
  if (!v.yes) {
    const answer = ctx.io.ask ? await ctx.io.ask(`apply to ${context.name} → ${cluster.cluster.server}? [y/N] `) : undefined;
    if (answer === undefined) throw new UsageError('no terminal to confirm on: pass --yes to apply without asking');
    if (!/^y(es)?$/i.test(answer.trim())) {
      ctx.io.stderr('nothing applied');
      return EXIT.failed;
    }
  }

  const { kube, vault } = sandbox.unmarked();
  const done: Applied[] = [await applyKubeMarker(kube, DEFAULT_KUBE_MARKER)];
  for (const o of manifests.slice(1)) done.push(await applyObject(kube, o));
  const tokenRef = manifests.at(-1)!;
  const token = await waitForToken(kube, tokenRef, (ms) => new Promise((r) => setTimeout(r, ms)), Date.now);
  done.push(writeFile(identityFile, identityKubeconfig(context.name, cluster.name, cluster.cluster, token), 0o600, `file ${identityFile}`));
  if (vault) {
    done.push(await applyVaultMarker(vault, DEFAULT_VAULT_MARKER));
    done.push(await applyVaultPolicy(vault, VAULT_POLICY_NAME, policy));
  }
  const existing = fs.existsSync(configFile) ? fs.readFileSync(configFile, 'utf8') : undefined;
  // An operator's edited configuration is theirs: init writes one only where there is none.
  done.push(existing !== undefined && existing !== configText ? { what: `file ${configFile} (exists and differs: kept)`, outcome: 'unchanged' } : writeFile(configFile, configText, undefined, `file ${configFile}`));
  const changed = done.filter((d) => d.outcome !== 'unchanged').length;
  if (v.json) ctx.io.stdout(json({ context: context.name, server: cluster.cluster.server, applied: done, changed }));
  else ctx.io.stdout([...done.map((d) => `${d.outcome.padEnd(9)} ${d.what}`), changed ? `${changed} change(s) applied` : 'nothing to change: the sandbox was already set up'].join('\n'));
  return EXIT.ok;
}
