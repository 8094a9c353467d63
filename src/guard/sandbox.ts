import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHttpService, type HttpService } from '../../engine/adapters/http-service.ts';
import { createKubeAdapter, type KubeAdapter } from '../../engine/adapters/kube.ts';
import { createPostgresAdapter, type PostgresAdapter } from '../../engine/adapters/postgres.ts';
import { createSimControl, type SimControl } from '../../engine/adapters/sim-control.ts';
import { createProcessRunner, type ProcessRunner } from '../../engine/adapters/process.ts';
import { createVaultAdapter, type VaultAdapter } from '../../engine/adapters/vault.ts';
import type { Env } from '../config/paths.ts';
import type { LabConfig } from '../config/types.ts';
import { verifyKubeMarker, verifyVaultMarker } from './markers.ts';
import { gitRemoteHost, normalizeUrl } from './normalize.ts';
import { giteaForge, githubForge, type Forge } from '../../engine/pr/forge.ts';
import { refuse } from './refusal.ts';
import { identifySandbox, type StaticIdentity } from './static-rules.ts';

/** What the header shows about the target. */
export interface SandboxIdentity {
  name: string;
  context: string;
  server: string;
  vault?: string;
  simulated: boolean;
}

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
  gitea(): HttpService | undefined;
  stepca(): HttpService | undefined;
  postgres(): PostgresAdapter | undefined;
  /** lab-sim's fault and control API, when the configuration declares one. */
  simulator(): SimControl | undefined;
  processes(): ProcessRunner;
  /** For pg_restore (PGPASSWORD); read when needed, never stored. */
  postgresPassword(): string | undefined;
  /** Every secret value lab-tui can know of (unseal keys, root token, passwords, forge tokens), for redaction. */
  secretValues(): string[];
  /** Where runbook PRs go: the runbooks remote the static rules accepted, and its forge (a reason when there is none). */
  runbookForge(): { remote?: string; forge: Forge | { missing: string } };
  /** Re-runs the static rules now; mutations call this so a swapped kubeconfig or env is caught. */
  recheck(): void;
}

const PASSTHROUGH_ENV = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TERM', 'TZ', 'TMPDIR', 'NO_COLOR'];

function childEnv(env: Env, id: StaticIdentity, kubeconfigFile: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of PASSTHROUGH_ENV) if (env[k] !== undefined) out[k] = env[k]!;
  out.KUBECONFIG = kubeconfigFile;
  out.LAB_SANDBOX = id.name;
  if (id.vault) out.VAULT_ADDR = id.vault.address;
  if (id.postgres) Object.assign(out, { PGHOST: id.postgres.host, PGPORT: String(id.postgres.port), PGUSER: id.postgres.user, PGDATABASE: id.postgres.database });
  return out;
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

export function openSandbox(config: LabConfig, env: Env): Sandbox {
  const id = identifySandbox(config, env);
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
    identity: { name: id.name, context: id.kube.context, server: id.kube.server, vault: id.vault?.address, simulated: !!id.simulatorControl },
    recheck,
    kube(opts) {
      if (opts?.reconnect) kube = undefined;
      kube ??= (async () => {
        const adapter = createKubeAdapter(id.kube, recheck);
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
      });
      vault = adapter;
      return vault;
    },
    gitea: () =>
      id.gitea &&
      (gitea ??= createHttpService(id.gitea.url, recheck, (): Record<string, string> => {
        const token = giteaToken();
        return token ? { authorization: `token ${token}` } : {};
      })),
    simulator: () => (id.simulatorControl ? (simulator ??= createSimControl(id.simulatorControl, recheck)) : undefined),
    stepca: () => id.stepca && (stepca ??= createHttpService(id.stepca.url, recheck)),
    postgres() {
      const pg = id.postgres;
      if (!pg) return undefined;
      return (postgres ??= createPostgresAdapter({ host: pg.host, port: pg.port, user: pg.user, database: pg.database, password: postgresPassword }, recheck));
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
        return { remote, forge: githubForge({ ...repo, token: env.GITHUB_TOKEN, recheck }) };
      }
      if (!id.gitea) return { remote, forge: { missing: 'no sandbox Gitea (sandbox.gitea.url) to open the PR on' } };
      if (!env.GITEA_TOKEN) return { remote, forge: { missing: 'GITEA_TOKEN is not set' } };
      return { remote, forge: giteaForge({ baseUrl: id.gitea.url, ...repo, token: env.GITEA_TOKEN, recheck }) };
    },
    processes() {
      if (runner) return runner;
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-tui-'));
      const file = path.join(dir, 'kubeconfig');
      const adapter = createKubeAdapter(id.kube, recheck);
      fs.writeFileSync(file, adapter.exportSandboxOnly(), { mode: 0o600 });
      runner = createProcessRunner(childEnv(env, id, file), recheck);
      return runner;
    },
  };
  return sandbox;
}
