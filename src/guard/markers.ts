import type { KubeAdapter } from '../../engine/adapters/kube.ts';
import type { VaultAdapter } from '../../engine/adapters/vault.ts';
import { within } from '../../engine/common/within.ts';
import type { KubeMarker, VaultMarker } from '../config/types.ts';
import { refuse } from './refusal.ts';

const MARKER_TIMEOUT_MS = 5000;

export class Unreachable extends Error {
  constructor(
    readonly target: string,
    cause: unknown,
  ) {
    super(`${target} is unreachable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'Unreachable';
  }
}

const withTimeout = <T>(p: Promise<T>): Promise<T> => within(p, MARKER_TIMEOUT_MS, `no answer within ${MARKER_TIMEOUT_MS} ms`);

function statusCode(e: unknown): number | undefined {
  const err = e as { code?: unknown; statusCode?: unknown; response?: { statusCode?: unknown } };
  for (const c of [err.code, err.statusCode, err.response?.statusCode]) if (typeof c === 'number') return c;
  return undefined;
}

/** Reads the sandbox marker ConfigMap: the first and only request before the target is trusted. */
export async function verifyKubeMarker(kube: KubeAdapter, m: KubeMarker, target: string): Promise<void> {
  let value: string | undefined;
  try {
    const cm = await withTimeout(kube.core.readNamespacedConfigMap({ namespace: m.namespace, name: m.name }));
    value = cm.data?.[m.key];
  } catch (e) {
    if (statusCode(e) === 404) refuse(target, 'marker.kubernetes', `the cluster has no marker ConfigMap ${m.namespace}/${m.name}`, `create it on the sandbox only: kubectl -n ${m.namespace} create configmap ${m.name} --from-literal=${m.key}=${m.value}`);
    throw new Unreachable(target, e);
  }
  if (value !== m.value)
    refuse(target, 'marker.kubernetes', `marker ${m.namespace}/${m.name} has ${m.key}=${JSON.stringify(value ?? null)}, expected ${JSON.stringify(m.value)}`, 'this cluster does not declare itself as the sandbox; check sandbox.kubernetes.context');
}

/**
 * Vault's marker lives in KV, which a sealed Vault cannot serve: while sealed only
 * seal-status and unseal are allowed, and the marker is read right after unseal.
 */
export async function verifyVaultMarker(vault: VaultAdapter, m: VaultMarker, target: string): Promise<void> {
  let value: string | undefined;
  try {
    value = await withTimeout(vault.readMarkerValue());
  } catch (e) {
    if (statusCode(e) === 404) refuse(target, 'marker.vault', `Vault has no marker at ${m.mount}/data/${m.path}`, `write it on the sandbox Vault only: vault kv put ${m.mount}/${m.path} ${m.key}=${m.value}`);
    throw new Unreachable(target, e);
  }
  if (value !== m.value)
    refuse(target, 'marker.vault', `marker ${m.mount}/${m.path} has ${m.key}=${JSON.stringify(value ?? null)}, expected ${JSON.stringify(m.value)}`, 'this Vault does not declare itself as the sandbox; check sandbox.vault.address');
}
