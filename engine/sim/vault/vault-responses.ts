import { randomUUID } from 'node:crypto';
import type { VaultCore } from '../world/vault-core.ts';

/** The envelope Vault wraps every logical response in. */
export function logical(data: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { request_id: randomUUID(), lease_id: '', renewable: false, lease_duration: 0, data, wrap_info: null, warnings: null, auth: null, mount_type: '', ...extra };
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
