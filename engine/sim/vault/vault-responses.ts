import { randomUUID } from 'node:crypto';
import type { VaultCore } from '../world/vault-core.ts';

/** The envelope Vault wraps every logical response in. */
export function logical(data: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { request_id: randomUUID(), lease_id: '', renewable: false, lease_duration: 0, data, wrap_info: null, warnings: null, auth: null, mount_type: '', ...extra };
}

/**
 * The `mount_type` Vault's router puts in every logical response: the type of the mount that
 * served the path (the system backend at sys/, the token store, each auth method and engine).
 */
export function mountTypeOf(path: string, kvMounts: readonly string[]): string {
  if (path.startsWith('sys/')) return 'system';
  const auth = /^auth\/([^/]+)\//.exec(path);
  if (auth) return auth[1] as string;
  const mount = path.split('/')[0] ?? '';
  return kvMounts.includes(mount) ? 'kv' : mount === 'database' ? 'database' : '';
}

export function sealStatus(vault: VaultCore, progress: number): Record<string, unknown> {
  return {
    type: 'shamir',
    initialized: true,
    sealed: vault.sealed,
    t: 1,
    n: 1,
    progress,
    nonce: '',
    version: vault.spec.version,
    build_date: '2024-09-24T19:48:40Z',
    migration: false,
    recovery_seal: false,
    storage_type: 'raft',
    ...(vault.sealed ? {} : { cluster_name: vault.spec.clusterName, cluster_id: vault.clusterId }),
  };
}

const HEALTH_CODES = ['uninitcode', 'sealedcode', 'standbycode', 'activecode', 'drsecondarycode', 'performancestandbycode'];
const BOOL = /^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$/;

/**
 * sys/health's status code as http/sys_health.go picks it: every code parameter must parse as an
 * integer and standbyok/perfstandbyok as a Go bool (else 400); this Vault is initialized, has no
 * standby nor replication, so only `sealedcode` (503) and `activecode` (200) can apply.
 */
export function healthCode(query: URLSearchParams, sealed: boolean): number {
  for (const flag of ['standbyok', 'perfstandbyok']) if (query.has(flag) && !BOOL.test(query.get(flag) ?? '')) return 400;
  for (const name of HEALTH_CODES) if (query.has(name) && !/^[+-]?\d+$/.test(query.get(name) ?? '')) return 400;
  const pick = (name: string, fallback: number) => (query.has(name) ? Number(query.get(name)) : fallback);
  return sealed ? pick('sealedcode', 503) : pick('activecode', 200);
}

export function health(vault: VaultCore, now: number): Record<string, unknown> {
  return {
    initialized: true,
    sealed: vault.sealed,
    standby: vault.sealed,
    performance_standby: false,
    replication_performance_mode: 'disabled',
    replication_dr_mode: 'disabled',
    server_time_utc: Math.floor(now / 1000),
    version: vault.spec.version,
    enterprise: false,
    echo_duration_ms: 0,
    clock_skew_ms: 0,
    ...(vault.sealed ? {} : { cluster_name: vault.spec.clusterName, cluster_id: vault.clusterId }),
  };
}

/** Unseal keys come base64 (unseal_keys_b64) or hex (unseal_keys_hex). */
export function parseUnsealKey(key: unknown): Buffer | undefined {
  if (typeof key !== 'string' || key === '') return undefined;
  if (/^[0-9a-fA-F]+$/.test(key) && key.length % 2 === 0) return Buffer.from(key, 'hex');
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(key)) return Buffer.from(key, 'base64');
  return undefined;
}

/** Service-account identity from a projected or legacy token's claims (signature not checked). */
export function serviceAccountFromJwt(jwt: unknown): { namespace: string; name: string } | undefined {
  if (typeof jwt !== 'string') return undefined;
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      'kubernetes.io'?: { namespace?: string; serviceaccount?: { name?: string } };
      'kubernetes.io/serviceaccount/namespace'?: string;
      'kubernetes.io/serviceaccount/service-account.name'?: string;
    };
    const bound = claims['kubernetes.io'];
    const namespace = bound?.namespace ?? claims['kubernetes.io/serviceaccount/namespace'];
    const name = bound?.serviceaccount?.name ?? claims['kubernetes.io/serviceaccount/service-account.name'];
    return typeof namespace === 'string' && typeof name === 'string' ? { namespace, name } : undefined;
  } catch {
    return undefined;
  }
}
