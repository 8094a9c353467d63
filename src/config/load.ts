import fs from 'node:fs';
import path from 'node:path';
import { LocatedError, LocatedErrors } from '../../engine/common/located-error.ts';
import { parseYaml } from '../../engine/common/located-yaml.ts';
import { resolvePath, xdgConfigHome, xdgDataHome, type Env } from './paths.ts';
import { configSchema } from './schema.ts';
import { DEFAULT_KUBE_MARKER, DEFAULT_VAULT_MARKER, type LabConfig } from './types.ts';

const HINT = 'see README#configuration';

/** Where the configuration comes from: --config, then LAB_TUI_CONFIG, then the XDG location. */
export function findConfigFile(explicit: string | undefined, env: Env): { file: string; explicit: boolean } {
  if (explicit) return { file: path.resolve(explicit), explicit: true };
  if (env.LAB_TUI_CONFIG) return { file: path.resolve(env.LAB_TUI_CONFIG), explicit: true };
  return { file: path.join(xdgConfigHome(env), 'lab-tui', 'config.yaml'), explicit: false };
}

export function loadConfigFile(file: string, env: Env): LabConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message;
    throw new LocatedErrors([new LocatedError({ file, line: 1 }, reason, HINT)]);
  }
  return parseConfig(text, file, env);
}

/** `host` of `host:port` (brackets of an IPv6 literal removed). */
function hostOfHostPort(hostPort: string): string {
  return hostPort.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
}

export function parseConfig(text: string, file: string, env: Env): LabConfig {
  const raw = parseYaml(text, file, configSchema, HINT);
  const dir = path.dirname(file);
  const s = raw.sandbox;
  const p = raw.prod;
  return {
    file,
    sandbox: {
      name: s.name,
      kubernetes: {
        ...s.kubernetes,
        kubeconfig: s.kubernetes.kubeconfig && resolvePath(s.kubernetes.kubeconfig, dir, env),
        marker: s.kubernetes.marker ?? DEFAULT_KUBE_MARKER,
      },
      vault: s.vault && { ...s.vault, keyFile: resolvePath(s.vault.keyFile, dir, env), marker: s.vault.marker ?? DEFAULT_VAULT_MARKER, childToken: s.vault.childToken ?? false },
      postgres: s.postgres && { port: 5432, user: 'postgres', database: 'postgres', ...s.postgres, passwordFile: s.postgres.passwordFile && resolvePath(s.postgres.passwordFile, dir, env) },
      gitea: s.gitea && { ...s.gitea, tokenFile: s.gitea.tokenFile && resolvePath(s.gitea.tokenFile, dir, env) },
      stepca: s.stepca && {
        url: s.stepca.url,
        endpoints: (s.stepca.endpoints ?? []).map((e) => (typeof e === 'string' ? { name: hostOfHostPort(e), address: e } : e)),
        ...(s.stepca.ingressAddress ? { ingressAddress: s.stepca.ingressAddress } : {}),
      },
      dns: s.dns,
      power: s.power,
      faults: s.faults ?? {},
      gitops: s.gitops,
      evidenceDir: resolvePath(s.evidenceDir ?? path.join(xdgDataHome(env), 'lab-tui', 'evidence'), dir, env),
      evidence: { ...s.evidence, branch: s.evidence?.branch ?? 'evidence', autoPush: s.evidence?.autoPush ?? false, statusFile: s.evidence?.statusFile && resolvePath(s.evidence.statusFile, dir, env) },
      runbooks: s.runbooks && { ...s.runbooks, path: s.runbooks.path && resolvePath(s.runbooks.path, dir, env) },
      drills: s.drills && { path: resolvePath(s.drills.path, dir, env) },
      simulator: s.simulator,
      recovery: s.recovery ?? {},
      childEnv: { pass: s.childEnv?.pass ?? [], home: s.childEnv?.home ?? 'private' },
      backups: { postgres: s.backups?.postgres && resolvePath(s.backups.postgres, dir, env) },
      gates: {
        canary: s.gates?.canary && { ...s.gates.canary, manifest: s.gates.canary.manifest && resolvePath(s.gates.canary.manifest, dir, env) },
        idempotence: s.gates?.idempotence && {
          ...s.gates.idempotence,
          playbook: resolvePath(s.gates.idempotence.playbook, dir, env),
          inventory: s.gates.idempotence.inventory && resolvePath(s.gates.idempotence.inventory, dir, env),
        },
        tofuPlan: s.gates?.tofuPlan && { plan: resolvePath(s.gates.tofuPlan.plan, dir, env) },
      },
    },
    prod: {
      contexts: p.contexts ?? [],
      servers: p.servers ?? [],
      vault: p.vault ?? [],
      keyFiles: (p.keyFiles ?? []).map((k) => resolvePath(k, dir, env)),
      dnsZones: p.dnsZones ?? [],
      postgres: p.postgres ?? [],
      gitea: p.gitea ?? [],
      gitRemotes: p.gitRemotes ?? [],
    },
  };
}
