import type { TemplatedFault } from '../../engine/drills/inject-fault.ts';

/** The validated configuration, with paths resolved and defaults applied. */
export interface KubeMarker {
  namespace: string;
  name: string;
  key: string;
  value: string;
}

export interface VaultMarker {
  mount: string;
  path: string;
  key: string;
  value: string;
}

export interface TlsEndpoint {
  name: string;
  address: string;
}

export interface SandboxConfig {
  name: string;
  kubernetes: { kubeconfig?: string; context: string; server: string; marker: KubeMarker };
  /** `childToken`: child processes' `~/.vault-token` holds the sandbox token (else it is empty). */
  vault?: { address: string; keyFile: string; marker: VaultMarker; childToken: boolean };
  /** The password comes from `passwordFile` (0600) or the variable `passwordEnv` names, never from this file. */
  postgres?: { host: string; port: number; user: string; database: string; passwordEnv?: string; passwordFile?: string };
  /** The API token (repository writes, for the canary gate) comes from `tokenFile` (0600) or the variable `tokenEnv` names. */
  gitea?: { url: string; owner?: string; tokenFile?: string; tokenEnv?: string };
  /**
   * Step-CA (`/health`, `/roots.pem`) and where its certificates are served (see README#step-ca):
   * `endpoints` outside the cluster (`name` is the host checked and sent as SNI, `address` the
   * `host:port` dialled), and the cluster's Ingress hosts, dialled at `ingressAddress` (Traefik's
   * websecure entrypoint; default `<host>:443`).
   */
  stepca?: { url: string; endpoints: TlsEndpoint[]; ingressAddress?: string };
  dns?: { zone: string };
  power?: { stop: string; start: string };
  /**
   * The lab's own command for a drill fault (`{target}`: the drill's target), run as a guarded
   * child process instead of the built-in mechanism; `ca-reinit` has no other (no API
   * re-initialises a CA): e.g. `ssh pi1 step ca init …`.
   */
  faults: Partial<Record<TemplatedFault, string>>;
  /** Where the argocd-bad-sync drill pushes: by default the Application's repository on the sandbox Gitea. */
  gitops?: { remote?: string };
  evidenceDir: string;
  /**
   * Where finished, verified runs are shared with CI (`evidence push`, `gate promote --evidence-repo`):
   * `remote` (default: the runbooks repository), `branch` (default `evidence`), `autoPush` at the
   * end of `drill run`; `statusFile` is the PRD's STATUS.md the gate's Markdown links to.
   */
  evidence: { remote?: string; branch: string; autoPush: boolean; statusFile?: string };
  /** `sections`: a drill id → the section of the lab's own runbook it follows (when its titles differ from the shipped ones). */
  runbooks?: { path?: string; remote?: string; branchPrefix?: string; sections?: Record<string, string> };
  /** The lab's own drills: a directory of drill YAML files, beside the shipped ones (an id they share replaces the shipped drill). */
  drills?: { path: string };
  simulator?: { control: string };
  /**
   * Shell commands for the runbook actions that have no API of their own (an ansible playbook,
   * a git revert...), with `{param}` placeholders; `postgres.restore` defaults to pg_restore of
   * the newest dump in `backups.postgres`.
   */
  recovery: Partial<Record<RecoveryTool, string>>;
  backups: { postgres?: string };
  childEnv: ChildEnvConfig;
  /** What the gates need beyond the live sandbox, so the Gates screen can run them too. */
  gates: {
    canary?: { manifest?: string; timeoutSeconds?: number };
    idempotence?: { playbook: string; inventory?: string; limit?: string };
    tofuPlan?: { plan: string };
  };
}

/**
 * What child processes may see of the operator's environment: `pass` names variables handed
 * through (LIMA_HOME, SSH_AUTH_SOCK); `home: real` gives them the operator's own home, an escape
 * hatch shown in the header and recorded in the evidence.
 */
export interface ChildEnvConfig {
  pass: string[];
  home: 'private' | 'real';
}

export const RECOVERY_TOOLS = ['longhorn.inject-block-device', 'postgres.restore', 'argocd.rollback', 'pki.reissue'] as const;
export type RecoveryTool = (typeof RECOVERY_TOOLS)[number];

export interface ProdDenyList {
  contexts: string[];
  servers: string[];
  vault: string[];
  keyFiles: string[];
  dnsZones: string[];
  postgres: string[];
  gitea: string[];
  gitRemotes: string[];
}

export interface LabConfig {
  /** Absolute path of the file this configuration came from. */
  file: string;
  sandbox: SandboxConfig;
  prod: ProdDenyList;
}

export const DEFAULT_KUBE_MARKER: KubeMarker = { namespace: 'kube-system', name: 'lab-sandbox-identity', key: 'env', value: 'sandbox' };
export const DEFAULT_VAULT_MARKER: VaultMarker = { mount: 'secret', path: 'lab/identity', key: 'env', value: 'sandbox' };
