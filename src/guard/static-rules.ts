import fs from 'node:fs';
import path from 'node:path';
import { homeDir, type Env } from '../config/paths.ts';
import type { KubeEndpoint } from '../../engine/adapters/kube.ts';
import type { VaultEndpoint } from '../../engine/adapters/vault.ts';
import type { ChildEnvConfig, KubeMarker, LabConfig, SandboxConfig } from '../config/types.ts';
import { PINNED_CHILD_ENV } from './child-home.ts';
import { readKubeconfig } from './kubeconfig-file.ts';
import { gitRemoteHost, normalizeHostPort, refuseNonLoopbackControl, normalizeUrl, normalizeZone, realFile } from './normalize.ts';
import { GuardRefusal, refuse, type Refusal } from './refusal.ts';

/** What the guard positively identified as the sandbox, before any request is sent. */
export interface StaticIdentity {
  name: string;
  kube: KubeEndpoint & { marker: KubeMarker };
  vault?: VaultEndpoint & { childToken: boolean };
  postgres?: SandboxConfig['postgres'];
  gitea?: SandboxConfig['gitea'];
  stepca?: SandboxConfig['stepca'];
  dnsZone?: string;
  simulatorControl?: string;
  childEnv: ChildEnvConfig;
}

/** The prod key location named in the seeds is refused even when the deny-list forgets it. */
export const BUILTIN_PROD_KEY = '.arcodange/cluster-keys.json';
const CONFIG_FIX = 'edit the configuration (lab-tui config check) — see README#isolation-guard';

type Deny = (target: string, rule: string, reason: string, fix: string, field?: string) => void;

function has(list: string[], value: string | undefined, norm: (s: string) => string | undefined): boolean {
  return value !== undefined && list.some((entry) => norm(entry) === value);
}

function kubeconfigPath(config: LabConfig, env: Env): string {
  if (config.sandbox.kubernetes.kubeconfig) return config.sandbox.kubernetes.kubeconfig;
  const fromEnv = env.KUBECONFIG?.split(path.delimiter).find(Boolean);
  return fromEnv ?? path.join(homeDir(env), '.kube', 'config');
}

function proxyCovers(noProxy: string | undefined, hosts: string[]): boolean {
  const entries = (noProxy ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (entries.includes('*')) return true;
  return hosts.every((h) => entries.some((e) => h === e.replace(/^\./, '') || h.endsWith(e.startsWith('.') ? e : `.${e}`)));
}

/** Real paths of every prod key file, the seeds' own location included. */
export function prodKeyFiles(config: LabConfig, env: Env): string[] {
  return [...config.prod.keyFiles, path.join(homeDir(env), BUILTIN_PROD_KEY)].map(realFile);
}

function checkEnvironment(config: LabConfig, env: Env, deny: Deny): void {
  const s = config.sandbox;
  if (env.KUBECONFIG) {
    for (const file of env.KUBECONFIG.split(path.delimiter).filter(Boolean)) {
      if (!fs.existsSync(file)) continue;
      const current = readKubeconfig(file).currentContext;
      if (current && current !== s.kubernetes.context)
        deny(`KUBECONFIG=${file} (current context "${current}")`, 'env.KUBECONFIG', `its current context is not the sandbox context "${s.kubernetes.context}"`, `unset KUBECONFIG, or switch it to the sandbox context (kubectl config use-context ${s.kubernetes.context})`);
    }
  }
  if (env.VAULT_ADDR && normalizeUrl(env.VAULT_ADDR) !== (s.vault && normalizeUrl(s.vault.address)))
    deny(`VAULT_ADDR=${env.VAULT_ADDR}`, 'env.VAULT_ADDR', `it disagrees with the sandbox Vault ${s.vault?.address ?? '(none configured)'}`, 'unset VAULT_ADDR or set it to sandbox.vault.address');
  for (const name of ['VAULT_NAMESPACE', 'VAULT_PREFIX'])
    if (env[name]) deny(`${name}=${env[name]}`, `env.${name}`, 'it would redirect Vault requests away from the configured sandbox paths', `unset ${name}`);
  if (env.VAULT_TOKEN) {
    const root = s.vault && readRootToken(s.vault.keyFile);
    if (!root || root !== env.VAULT_TOKEN)
      deny('VAULT_TOKEN from the environment', 'env.VAULT_TOKEN', 'it is not the sandbox token from the sandbox key file', 'unset VAULT_TOKEN: lab-tui reads the sandbox token from sandbox.vault.keyFile');
  }
  const pg = s.postgres;
  for (const name of ['PGHOST', 'PGHOSTADDR']) {
    const v = env[name];
    if (v && (!pg || normalizeHostPort(v, pg.port) !== normalizeHostPort(`${pg.host}:${pg.port}`)))
      deny(`${name}=${v}`, `env.${name}`, `it disagrees with the sandbox PostgreSQL ${pg ? `${pg.host}:${pg.port}` : '(none configured)'}`, `unset ${name} or set it to sandbox.postgres.host`);
  }
  if (env.PGPORT && (!pg || Number(env.PGPORT) !== pg.port))
    deny(`PGPORT=${env.PGPORT}`, 'env.PGPORT', `it disagrees with the sandbox PostgreSQL port ${pg?.port ?? '(none configured)'}`, 'unset PGPORT or set it to sandbox.postgres.port');
  const proxy = env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy || env.ALL_PROXY || env.all_proxy;
  if (proxy) {
    const hosts = [s.kubernetes.server, s.vault?.address, s.gitea?.url, s.stepca?.url].filter((u): u is string => !!u).map((u) => new URL(u).hostname.toLowerCase());
    if (!proxyCovers(env.NO_PROXY ?? env.no_proxy, hosts))
      deny(`proxy ${proxy}`, 'env.HTTPS_PROXY', 'sandbox requests would go through a proxy that lab-tui cannot identify', `add ${hosts.join(',')} to NO_PROXY or unset the proxy variables`);
  }
}

export function readRootToken(keyFile: string): string | undefined {
  try {
    const json = JSON.parse(fs.readFileSync(keyFile, 'utf8')) as { root_token?: unknown };
    return typeof json.root_token === 'string' ? json.root_token : undefined;
  } catch {
    return undefined;
  }
}

function resolveKube(config: LabConfig, env: Env): StaticIdentity['kube'] {
  const k = config.sandbox.kubernetes;
  const file = kubeconfigPath(config, env);
  const kc = readKubeconfig(file);
  const target = `kubernetes context "${k.context}" in ${file}`;
  const contexts = kc.contexts.filter((c) => c.name === k.context);
  if (contexts.length === 0) refuse(target, 'kubeconfig.context', 'the context does not exist in the kubeconfig', `create the context or fix sandbox.kubernetes.context`);
  if (contexts.length > 1) refuse(target, 'kubeconfig.ambiguous', `the context is defined ${contexts.length} times`, 'keep exactly one definition of the sandbox context');
  const ctx = contexts[0]!;
  const clusters = kc.clusters.filter((c) => c.name === ctx.cluster);
  const users = kc.users.filter((u) => u.name === ctx.user);
  if (clusters.length !== 1) refuse(target, 'kubeconfig.ambiguous', `cluster "${ctx.cluster}" is defined ${clusters.length} times`, 'keep exactly one definition of the sandbox cluster');
  if (users.length !== 1) refuse(target, 'kubeconfig.ambiguous', `user "${ctx.user}" is defined ${users.length} times`, 'keep exactly one definition of the sandbox user');
  const cluster = clusters[0]!.cluster;
  const server = normalizeUrl(cluster.server ?? '');
  const serverTarget = `${target} → ${cluster.server}`;
  if (has(config.prod.servers, server, normalizeUrl))
    refuse(serverTarget, 'prod.servers', 'the context points at a server on the prod deny-list', 'point the sandbox context at the sandbox API server');
  if (!server || server !== normalizeUrl(k.server))
    refuse(serverTarget, 'kubeconfig.server', `the context's server is not the configured sandbox server ${k.server}`, 'fix sandbox.kubernetes.server or the kubeconfig context');
  if (cluster['proxy-url'])
    refuse(serverTarget, 'kubeconfig.proxy-url', `requests would go through proxy ${cluster['proxy-url']}`, 'remove proxy-url from the sandbox cluster entry');
  return { kubeconfigFile: file, context: k.context, server: cluster.server, clusterName: ctx.cluster, cluster, userName: ctx.user, user: users[0]!.user, namespace: ctx.namespace, marker: k.marker };
}

/** A rule that throws (it cannot go on without its answer) is collected like the others. */
function collect<T>(deny: Deny, field: string | undefined, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof GuardRefusal)) throw e;
    const r = e.refusal;
    deny(r.target, r.rule, r.reason, r.fix, field);
    return undefined;
  }
}

/**
 * Static half of the isolation guard: everything decidable from the configuration, the files it
 * names and the environment, before a single packet is sent. Every rule is judged, so
 * `config check` can list every problem at once; the identity exists only when none refused.
 */
export function staticRefusals(config: LabConfig, env: Env): { refusals: Refusal[]; identity?: StaticIdentity } {
  const refusals: Refusal[] = [];
  const deny: Deny = (target, rule, reason, fix, field) => void refusals.push({ target, rule, reason, fix, ...(field ? { field } : {}) });
  const s = config.sandbox;
  const p = config.prod;
  if (Object.values(p).every((list) => list.length === 0))
    deny(`sandbox "${s.name}"`, 'prod.empty', 'the prod deny-list is empty, so lab-tui cannot tell prod from the sandbox', `list prod's contexts, servers, Vault addresses and key files under prod: in ${config.file}`);
  if (p.contexts.includes(s.kubernetes.context))
    deny(`kubernetes context "${s.kubernetes.context}"`, 'prod.contexts', 'the sandbox context is on the prod deny-list', CONFIG_FIX, 'sandbox.kubernetes.context');
  const server = normalizeUrl(s.kubernetes.server);
  if (!server) deny(`kubernetes server ${s.kubernetes.server}`, 'config.server', 'not an http(s) URL', CONFIG_FIX, 'sandbox.kubernetes.server');
  else if (has(p.servers, server, normalizeUrl))
    deny(`kubernetes server ${s.kubernetes.server}`, 'prod.servers', 'the sandbox server is on the prod deny-list', CONFIG_FIX, 'sandbox.kubernetes.server');

  let vault: StaticIdentity['vault'];
  if (s.vault) {
    if (has(p.vault, normalizeUrl(s.vault.address), normalizeUrl))
      deny(`Vault ${s.vault.address}`, 'prod.vault', 'the sandbox Vault address is on the prod deny-list', CONFIG_FIX, 'sandbox.vault.address');
    const real = realFile(s.vault.keyFile);
    const prodKeys = prodKeyFiles(config, env);
    if (prodKeys.includes(real) || prodKeys.includes(path.resolve(s.vault.keyFile)))
      deny(`key file ${s.vault.keyFile}${real !== s.vault.keyFile ? ` (→ ${real})` : ''}`, 'prod.keyFiles', 'the sandbox key file is, or links to, a prod key file', 'point sandbox.vault.keyFile at the sandbox key (~/.arcodange/sandbox/cluster-keys.json)', 'sandbox.vault.keyFile');
    vault = { address: s.vault.address, keyFile: real, marker: s.vault.marker, childToken: s.vault.childToken };
  }
  // A deny-list entry without a port denies the host on every port.
  const pgTarget = s.postgres && normalizeHostPort(`${s.postgres.host}:${s.postgres.port}`);
  const pgHost = s.postgres && normalizeHostPort(s.postgres.host, 0);
  if (s.postgres && p.postgres.some((e) => (/:\d+$/.test(e) ? normalizeHostPort(e) === pgTarget : normalizeHostPort(e, 0) === pgHost)))
    deny(`PostgreSQL ${s.postgres.host}:${s.postgres.port}`, 'prod.postgres', 'the sandbox PostgreSQL is on the prod deny-list', CONFIG_FIX, 'sandbox.postgres.host');
  const prodRemote = (host: string | undefined) => !!host && p.gitRemotes.some((r) => (gitRemoteHost(r) ?? r.toLowerCase()) === host);
  if (s.gitea) {
    if (has(p.gitea, normalizeUrl(s.gitea.url), normalizeUrl))
      deny(`Gitea ${s.gitea.url}`, 'prod.gitea', 'the sandbox Gitea is on the prod deny-list', CONFIG_FIX, 'sandbox.gitea.url');
    else if (prodRemote(gitRemoteHost(s.gitea.url)))
      deny(`Gitea ${s.gitea.url}`, 'prod.gitRemotes', 'the sandbox Gitea host is a prod git remote', CONFIG_FIX, 'sandbox.gitea.url');
  }
  // Runbook pull requests are pushed there: a prod remote is refused like any prod target.
  if (s.runbooks?.remote && prodRemote(gitRemoteHost(s.runbooks.remote)))
    deny(`runbooks remote ${s.runbooks.remote}`, 'prod.gitRemotes', 'the runbooks remote is a prod git remote', 'set sandbox.runbooks.remote to the sandbox Gitea', 'sandbox.runbooks.remote');
  // Drill evidence is pushed there (`evidence push`): prod must never receive a sandbox's commits.
  if (s.evidence?.remote && prodRemote(gitRemoteHost(s.evidence.remote)))
    deny(`evidence remote ${s.evidence.remote}`, 'prod.gitRemotes', 'the evidence remote is a prod git remote', 'set sandbox.evidence.remote to a sandbox repository (or leave it out: the runbooks remote is the default)', 'sandbox.evidence.remote');
  if (s.dns && p.dnsZones.some((z) => normalizeZone(z) === normalizeZone(s.dns!.zone)))
    deny(`DNS zone ${s.dns.zone}`, 'prod.dnsZones', 'the throwaway zone is a prod zone', 'set sandbox.dns.zone to the throwaway sandbox zone', 'sandbox.dns.zone');

  for (const name of s.childEnv.pass.filter((n) => PINNED_CHILD_ENV.test(n)))
    deny(`sandbox.childEnv.pass ${name}`, 'childEnv.pass', `${name} is set by the guard for child processes; passing the operator's would undo it`, `remove ${name} from sandbox.childEnv.pass`, 'sandbox.childEnv.pass');
  if (s.simulator) collect(deny, 'sandbox.simulator.control', () => refuseNonLoopbackControl(s.simulator!.control, CONFIG_FIX));
  collect(deny, undefined, () => checkEnvironment(config, env, deny));
  const kube = server ? collect(deny, 'sandbox.kubernetes.context', () => resolveKube(config, env)) : undefined;
  if (refusals.length || !kube) return { refusals };
  return {
    refusals,
    identity: { name: s.name, kube, vault, postgres: s.postgres, gitea: s.gitea, stepca: s.stepca, dnsZone: s.dns?.zone, simulatorControl: s.simulator?.control, childEnv: s.childEnv },
  };
}

/** The static rules as a gate: throws GuardRefusal with the first rule that refused. */
export function identifySandbox(config: LabConfig, env: Env): StaticIdentity {
  const { refusals, identity } = staticRefusals(config, env);
  if (refusals[0] || !identity) throw new GuardRefusal(refusals[0]!);
  return identity;
}
