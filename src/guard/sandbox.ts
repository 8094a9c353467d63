import fs from 'node:fs';
import path from 'node:path';
import { createHttpService, type HttpService } from '../../engine/adapters/http-service.ts';
import { createKubeAdapter, type KubeAdapter } from '../../engine/adapters/kube.ts';
import { createPostgresAdapter, type PostgresAdapter } from '../../engine/adapters/postgres.ts';
import { createSimControl, type SimControl } from '../../engine/adapters/sim-control.ts';
import { createProcessRunner, type ProcessRunner } from '../../engine/adapters/process.ts';
import { guardedFetch, guardedTlsConnect } from '../../engine/adapters/socket-policy.ts';
import { createTlsHandshake, type TlsHandshake } from '../../engine/adapters/tls-handshake.ts';
import { createVaultAdapter, type VaultAdapter } from '../../engine/adapters/vault.ts';
import type { SandboxIdentity } from '../../engine/common/sandbox-identity.ts';
import type { Env } from '../config/paths.ts';
import type { LabConfig } from '../config/types.ts';
import { createChildHome } from './child-home.ts';
import { scanCommand, vetCommand, type ProdIdentity } from './command-scan.ts';
import { connectPolicy } from './connect-policy.ts';
import { verifyKubeMarker, verifyVaultMarker } from './markers.ts';
import { gitRemoteHost, isLocalPath, normalizeUrl } from './normalize.ts';
import { giteaForge, githubForge, type Forge } from '../../engine/pr/forge.ts';
import { GuardRefusal, refuse, type Refusal } from './refusal.ts';
import { identifySandbox, readRootToken, staticRefusals, type StaticIdentity } from './static-rules.ts';
import { commandRefusal, resolveProdIdentity, targetRefusals } from './target-rules.ts';

/**
 * The only door to the sandbox: every adapter is built here, after the static rules
 * identified the target, and Kubernetes/Vault adapters are handed out only once the
 * live marker has been read from the target itself.
 */
export interface Sandbox {
  readonly identity: SandboxIdentity;
  readonly config: LabConfig;
  readonly resolved: StaticIdentity;
  /**
   * Connects and verifies the marker; rejects with GuardRefusal (wrong target) or a
   * connection error. `reconnect` forces a new verification, e.g. after an outage.
   */
  kube(opts?: { reconnect?: boolean }): Promise<KubeAdapter>;
  vault(): VaultAdapter | undefined;
  /**
   * For `sandbox init` only, which writes the markers: adapters that do not read them first. The
   * static rules and the prod deny-list have passed, the identity is re-checked at each write, and
   * the operator confirmed the context and server shown.
   */
  unmarked(): { kube: KubeAdapter; vault?: VaultAdapter };
  gitea(): HttpService | undefined;
  stepca(): HttpService | undefined;
  /** TLS handshakes (the certificate checks) through the connect-time policy. */
  tls(): TlsHandshake;
  postgres(): PostgresAdapter | undefined;
  /** lab-sim's fault and control API, when the configuration declares one. */
  simulator(): SimControl | undefined;
  processes(): ProcessRunner;
  /** For pg_restore (PGPASSWORD); read when needed, never stored. */
  postgresPassword(): string | undefined;
  /** Every secret value lab-tui can know of (unseal keys, root token, passwords, forge tokens), for redaction. */
  secretValues(): string[];
  /**
   * Where runbook PRs go: the runbooks remote the static rules accepted, and its forge (a reason
   * when there is none). `remoteEnv`: what git's network steps get to authenticate to a remote on the
   * sandbox Gitea (its token as an HTTP header, in the environment: no command line shows it).
   */
  runbookForge(): { remote?: string; forge: Forge | { missing: string }; remoteEnv?: Record<string, string> };
  /**
   * Where git pushes the gitops repository an Argo CD Application tracks (`repoURL`): the
   * configured `sandbox.gitops.remote`, else that repository (`owner/name`) on the sandbox Gitea;
   * with the sandbox Gitea's token for git's network steps, as for runbookForge. The push itself
   * is a guarded process: a prod remote is refused when git is started.
   */
  gitopsRemote(repoURL: string): { remote: string; remoteEnv?: Record<string, string> } | { missing: string };
  /**
   * Where `evidence push` publishes drill runs: `sandbox.evidence.remote`, else the runbooks remote
   * (both judged by the static and address rules when the sandbox opened); a relative local path
   * is taken from the configuration file's directory. With the sandbox Gitea's token for git's
   * network steps when the remote is on that Gitea, as for runbookForge.
   */
  evidenceRemote(): { remote: string; branch: string; remoteEnv?: Record<string, string> } | { missing: string };
  /** Re-runs the static rules now; mutations call this so a swapped kubeconfig or env is caught. */
  recheck(): void;
  /** Judges a command before it runs (runbook steps, probes, improvisations); rejects with the refusal. */
  vetCommand(command: string, where: string): Promise<void>;
  /** Called with each refusal made when a socket connects (a name that started resolving to prod). */
  onRefusal(listener: (e: GuardRefusal) => void): void;
}

/** The unseal keys and root token in a `vault operator init -format=json` file; none if unreadable. */
function readKeyFileSecrets(file: string): string[] {
  try {
    const k = JSON.parse(fs.readFileSync(file, 'utf8')) as { unseal_keys_b64?: string[]; unseal_keys_hex?: string[]; root_token?: string };
    return [...(k.unseal_keys_b64 ?? []), ...(k.unseal_keys_hex ?? []), k.root_token ?? ''];
  } catch {
    return [];
  }
}

/** `owner/repo` from a git remote URL (https://host/owner/repo.git, git@host:owner/repo.git). */
function repoOf(remote: string): { owner: string; repo: string } | undefined {
  const m = /[/:]([^/:]+)\/([^/]+?)(?:\.git)?\/?$/.exec(remote);
  return m ? { owner: m[1]!, repo: m[2]! } : undefined;
}

function sameOrigin(remote: string, giteaUrl: string): boolean {
  try {
    const r = new URL(remote);
    return /^https?:$/.test(r.protocol) && r.origin === new URL(giteaUrl).origin;
  } catch {
    return false;
  }
}

/**
 * Gitea takes its API token on git's HTTP paths too (`Authorization: token …`): git gets it as
 * configuration from the environment (GIT_CONFIG_COUNT), for this remote's URL only, and follows
 * no redirect that could carry it elsewhere.
 */
function gitHttpAuth(remote: string, token: string): Record<string, string> {
  return {
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_0: `http.${remote}.extraHeader`,
    GIT_CONFIG_VALUE_0: `Authorization: token ${token}`,
    GIT_CONFIG_KEY_1: 'http.followRedirects',
    GIT_CONFIG_VALUE_1: 'false',
  };
}

/**
 * Every refusal the configuration earns, static and resolved, without contacting the sandbox:
 * what `config check` lists.
 */
export async function checkConfiguration(config: LabConfig, env: Env): Promise<Refusal[]> {
  const { refusals } = staticRefusals(config, env);
  const prod = await resolveProdIdentity(config, env);
  return [...refusals, ...(await targetRefusals(config, prod, new Set(refusals.flatMap((r) => (r.field ? [r.field] : [])))))];
}

function vetter(prod: ProdIdentity) {
  const refuseFindings = (command: string, where: string, findings: ReturnType<typeof scanCommand>) => {
    if (findings[0]) throw new GuardRefusal(commandRefusal(where, command, findings[0]));
  };
  return {
    check: (command: string, where = 'command') => refuseFindings(command, where, scanCommand(command, prod)),
    vet: async (command: string, where = 'command') => refuseFindings(command, where, await vetCommand(command, prod)),
  };
}

/**
 * Opens the sandbox: the static rules, then every target resolved and every command template
 * scanned against prod, all before the first request; adapters are built lazily afterwards.
 */
export async function openSandbox(config: LabConfig, env: Env): Promise<Sandbox> {
  const id = identifySandbox(config, env);
  const prod = await resolveProdIdentity(config, env);
  const refused = await targetRefusals(config, prod);
  if (refused[0]) throw new GuardRefusal(refused[0]);
  const listeners: ((e: GuardRefusal) => void)[] = [];
  const policy = connectPolicy(prod.hosts, (e) => listeners.forEach((l) => l(e)));
  const vetting = vetter(prod);
  const postgresPassword = () => {
    const pg = id.postgres;
    return pg?.passwordFile ? fs.readFileSync(pg.passwordFile, 'utf8').trim() : pg?.passwordEnv ? env[pg.passwordEnv] : undefined;
  };
  const giteaToken = () => {
    const g = id.gitea;
    return g?.tokenFile ? fs.readFileSync(g.tokenFile, 'utf8').trim() : g?.tokenEnv ? env[g.tokenEnv] : undefined;
  };
  const recheck = () => {
    const now = identifySandbox(config, env);
    if (normalizeUrl(now.kube.server) !== normalizeUrl(id.kube.server) || now.kube.context !== id.kube.context)
      refuse(`kubernetes context "${now.kube.context}" → ${now.kube.server}`, 'recheck.changed', 'the target changed since lab-tui started', 'restart lab-tui');
  };
  let kube: Promise<KubeAdapter> | undefined;
  let vault: VaultAdapter | undefined;
  let runner: ProcessRunner | undefined;
  let gitea: HttpService | undefined;
  let stepca: HttpService | undefined;
  let postgres: PostgresAdapter | undefined;
  let simulator: SimControl | undefined;
  const sandbox: Sandbox = {
    config,
    resolved: id,
    identity: { name: id.name, context: id.kube.context, server: id.kube.server, vault: id.vault?.address, simulated: !!id.simulatorControl, childHome: id.childEnv.home },
    recheck,
    vetCommand: (command, where) => vetting.vet(command, where),
    onRefusal: (listener) => void listeners.push(listener),
    kube(opts) {
      if (opts?.reconnect) kube = undefined;
      kube ??= (async () => {
        const adapter = createKubeAdapter(id.kube, recheck, policy);
        await verifyKubeMarker(adapter, id.kube.marker, `kubernetes context "${id.kube.context}" → ${id.kube.server}`);
        return adapter;
      })();
      // A failed connection must not be cached: the next call reconnects and re-verifies.
      kube.catch(() => (kube = undefined));
      return kube;
    },
    vault() {
      if (!id.vault || vault) return vault;
      let verified = false;
      const ep = id.vault;
      const adapter = createVaultAdapter(ep, {
        recheck,
        async verify() {
          if (verified) return;
          await verifyVaultMarker(adapter, ep.marker, `Vault ${ep.address}`);
          verified = true;
        },
      }, policy);
      vault = adapter;
      return vault;
    },
    unmarked() {
      const ep = id.vault;
      return { kube: createKubeAdapter(id.kube, recheck, policy), vault: ep && createVaultAdapter(ep, { recheck, verify: async () => {} }, policy) };
    },
    gitea: () =>
      id.gitea &&
      (gitea ??= createHttpService(id.gitea.url, recheck, policy, (): Record<string, string> => {
        const token = giteaToken();
        return token ? { authorization: `token ${token}` } : {};
      })),
    simulator: () => (id.simulatorControl ? (simulator ??= createSimControl(id.simulatorControl, recheck, policy)) : undefined),
    stepca: () => id.stepca && (stepca ??= createHttpService(id.stepca.url, recheck, policy)),
    tls() {
      const connect = guardedTlsConnect(policy);
      return createTlsHandshake((options) => {
        recheck();
        return connect(options);
      });
    },
    postgres() {
      const pg = id.postgres;
      if (!pg) return undefined;
      return (postgres ??= createPostgresAdapter({ host: pg.host, port: pg.port, user: pg.user, database: pg.database, password: postgresPassword }, recheck, policy));
    },
    postgresPassword,
    secretValues() {
      const keys = id.vault ? readKeyFileSecrets(id.vault.keyFile) : [];
      return [...keys, postgresPassword(), giteaToken(), env.VAULT_TOKEN, env.GITEA_TOKEN, env.GITHUB_TOKEN].filter((v): v is string => !!v);
    },
    runbookForge() {
      const remote = config.sandbox.runbooks?.remote;
      const repo = remote ? repoOf(remote) : undefined;
      if (!remote || !repo) return { remote, forge: { missing: 'no runbooks remote (sandbox.runbooks.remote) to open a PR against' } };
      if (gitRemoteHost(remote) === 'github.com') {
        if (!env.GITHUB_TOKEN) return { remote, forge: { missing: 'GITHUB_TOKEN is not set' } };
        return { remote, forge: githubForge({ ...repo, token: env.GITHUB_TOKEN, recheck, fetch: guardedFetch(policy) }) };
      }
      if (!id.gitea) return { remote, forge: { missing: 'no sandbox Gitea (sandbox.gitea.url) to open the PR on' } };
      // The sandbox's own token first (sandbox.gitea.tokenFile / tokenEnv, as lab-sim configures it):
      // a GITEA_TOKEN exported for another Gitea must not be sent to this one.
      const token = giteaToken() || env.GITEA_TOKEN;
      if (!token) return { remote, forge: { missing: 'GITEA_TOKEN is not set (nor sandbox.gitea.tokenFile or tokenEnv)' } };
      const forge = giteaForge({ baseUrl: id.gitea.url, ...repo, token, recheck, fetch: guardedFetch(policy) });
      return { remote, forge, ...(sameOrigin(remote, id.gitea.url) ? { remoteEnv: gitHttpAuth(remote, token) } : {}) };
    },
    gitopsRemote(repoURL) {
      const configured = config.sandbox.gitops?.remote;
      const repo = repoOf(repoURL);
      const remote = configured ?? (id.gitea && repo ? `${id.gitea.url.replace(/\/+$/, '')}/${repo.owner}/${repo.repo}.git` : undefined);
      if (!remote) return { missing: id.gitea ? `${repoURL} names no owner/repository` : 'no sandbox Gitea (sandbox.gitea.url) nor sandbox.gitops.remote to push to' };
      const token = giteaToken() || env.GITEA_TOKEN;
      return { remote, ...(token && id.gitea && sameOrigin(remote, id.gitea.url) ? { remoteEnv: gitHttpAuth(remote, token) } : {}) };
    },
    evidenceRemote() {
      const { evidence, runbooks } = config.sandbox;
      const configured = evidence.remote ?? runbooks?.remote;
      if (!configured) return { missing: `no evidence remote: set sandbox.evidence.remote (or sandbox.runbooks.remote, its default) in ${config.file}` };
      const remote = isLocalPath(configured) ? path.resolve(path.dirname(config.file), configured) : configured;
      const token = giteaToken() || env.GITEA_TOKEN;
      return { remote, branch: evidence.branch, ...(token && id.gitea && sameOrigin(remote, id.gitea.url) ? { remoteEnv: gitHttpAuth(remote, token) } : {}) };
    },
    processes() {
      if (runner) return runner;
      const home = createChildHome(env, id, createKubeAdapter(id.kube, recheck, policy).exportSandboxOnly(), () => (id.vault ? readRootToken(id.vault.keyFile) : undefined));
      process.once('exit', home.remove);
      runner = createProcessRunner(home.env, recheck, vetting);
      return runner;
    },
  };
  return sandbox;
}
