/**
 * What a runbook may ask of the engine: actions (```lab `action:`) and probes (`verify:`,
 * `requires:`), with their parameters. The parser validates against it; the README's runbook
 * reference is generated from the same descriptions.
 */
export interface ParamSpec {
  name: string;
  type: 'string' | 'number' | 'boolean';
  required: boolean;
  description: string;
}

export interface CatalogEntry {
  description: string;
  params: ParamSpec[];
  /** `{ <name>: value }` sets this parameter, e.g. `{ node.ready: pi2 }`. */
  shorthand?: string;
}

const p = (name: string, type: ParamSpec['type'], required: boolean, description: string): ParamSpec => ({ name, type, required, description });
const NAMESPACE = p('namespace', 'string', false, 'namespace (default: the deployment name)');

export const ACTIONS: Record<string, CatalogEntry> = {
  'vault.unseal': { description: 'unseal Vault with the sandbox key file (the key is never shown)', params: [] },
  'vso.reauth': { description: 'make the Vault Secrets Operator log in again and re-issue the dynamic secrets now', params: [p('secret', 'string', false, 'one VaultDynamicSecret (default: all)'), p('namespace', 'string', false, 'its namespace')] },
  'k8s.scale': { description: 'scale a Deployment', params: [p('deployment', 'string', true, 'Deployment name'), NAMESPACE, p('replicas', 'number', true, 'desired replicas')] },
  'k8s.rollout-restart': { description: 'restart a Deployment\'s pods, as `kubectl rollout restart`', params: [p('deployment', 'string', true, 'Deployment name'), NAMESPACE] },
  'longhorn.inject-block-device': { description: 'recover a volume\'s data from its orphaned replica directory by block-device injection (never by renaming)', params: [p('volume', 'string', true, 'Longhorn volume')] },
  'postgres.restore': { description: 'restore a database from the newest dump in the sandbox backups', params: [p('database', 'string', true, 'database name')] },
  'argocd.rollback': { description: 'revert the broken GitOps ref of an Application', params: [p('app', 'string', true, 'Application name')] },
  'pki.reissue': { description: 're-issue the sandbox certificates from the current Step-CA root', params: [] },
  'power.on': { description: 'power a node on with the configured command (sandbox.power.start); without `node`: every node not Ready, or all of them while the API is unreachable', params: [p('node', 'string', false, 'node name')] },
  wait: { description: 'wait until the step\'s verify probes hold (no action of its own)', params: [] },
};

export const PROBES: Record<string, CatalogEntry> = {
  'node.ready': { description: 'a node (default: every node) is Ready', params: [p('node', 'string', false, 'node name')], shorthand: 'node' },
  'vault.unsealed': { description: 'Vault answers and is unsealed', params: [] },
  'vault.sealed': { description: 'Vault answers and is sealed', params: [] },
  'secret.fresh': {
    description: 'a VSO secret (default: every one) synced and its lease fresh',
    params: [p('secret', 'string', false, 'secret name'), p('namespace', 'string', false, 'its namespace'), p('renewed', 'boolean', false, 'synced again after this step started')],
    shorthand: 'secret',
  },
  'deployment.ready': { description: 'a Deployment has all its desired replicas ready (or exactly `replicas`)', params: [p('deployment', 'string', true, 'Deployment name'), NAMESPACE, p('replicas', 'number', false, 'exact desired and ready count')], shorthand: 'deployment' },
  'app.healthy': { description: 'an ArgoCD Application (default: every one) is Synced and Healthy', params: [p('app', 'string', false, 'Application name')], shorthand: 'app' },
  'volume.healthy': { description: 'a Longhorn volume (default: every attached one) is healthy', params: [p('volume', 'string', false, 'volume name')], shorthand: 'volume' },
  'volume.no-orphans': { description: 'no orphaned replica data is left (for one volume or all)', params: [p('volume', 'string', false, 'volume name')], shorthand: 'volume' },
  'postgres.reachable': { description: 'PostgreSQL answers', params: [] },
  'postgres.database': { description: 'a database exists', params: [p('database', 'string', true, 'database name')], shorthand: 'database' },
  sql: { description: 'a query returns at least `min-rows` rows (default 1), or a first column equal to `equals`', params: [p('database', 'string', true, 'database'), p('query', 'string', true, 'SQL (read-only)'), p('min-rows', 'number', false, 'rows expected at least'), p('equals', 'string', false, 'expected first value')] },
  'certificates.valid': { description: 'every certificate served by the TLS endpoints and Ingress hosts, and every kubernetes.io/tls Secret, chains to the current Step-CA root, matches its host and is not expired', params: [] },
  sh: { description: 'a shell command exits 0', params: [p('run', 'string', true, 'the command')], shorthand: 'run' },
};

/** Default step timeouts. */
export const DEFAULT_ACTION_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_VERIFY_TIMEOUT_MS = 2 * 60_000;
