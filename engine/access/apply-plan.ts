import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeAdapter } from '../adapters/kube.ts';
import type { VaultAdapter } from '../adapters/vault.ts';

export type Outcome = 'created' | 'updated' | 'unchanged';

export interface Applied {
  what: string;
  outcome: Outcome;
}

/** What an object is made of, as far as sandbox init owns it (the server adds the rest). */
function owned(o: KubernetesObject): unknown {
  const x = o as KubernetesObject & Record<string, unknown>;
  return { labels: o.metadata?.labels ?? {}, annotations: o.metadata?.annotations ?? {}, rules: x.rules, roleRef: x.roleRef, subjects: x.subjects, data: x.data, type: x.type };
}

/** JSON with every object's keys sorted: the API server returns fields in its own order (a rule's resourceNames before resources). */
const canonical = (v: unknown): unknown => (Array.isArray(v) ? v.map(canonical) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, canonical(x)])) : v);
const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** The annotation keys the object must carry; the server may add its own. */
function covers(live: KubernetesObject, want: KubernetesObject): boolean {
  const l = owned(live) as Record<string, Record<string, string> | undefined>;
  const w = owned(want) as Record<string, Record<string, string> | undefined>;
  const sub = (a: Record<string, string> | undefined, b: Record<string, string> | undefined) => Object.entries(b ?? {}).every(([k, v]) => a?.[k] === v);
  // A token Secret's data is the token controller's: only what init wrote counts.
  const data = want.kind === 'Secret' ? true : same(l.data, w.data);
  return sub(l.labels, w.labels) && sub(l.annotations, w.annotations) && same(l.rules, w.rules) && same(l.roleRef, w.roleRef) && same(l.subjects, w.subjects) && data && same(l.type, w.type);
}

export const label = (o: KubernetesObject) => `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;

/** Creates what is missing, replaces what differs, leaves the rest: a second run changes nothing. */
export async function applyObject(kube: KubeAdapter, want: KubernetesObject): Promise<Applied> {
  const live = await kube.readObject(want);
  if (!live) {
    await kube.createObject(want);
    return { what: label(want), outcome: 'created' };
  }
  if (covers(live, want)) return { what: label(want), outcome: 'unchanged' };
  const merged = { ...live, ...want, metadata: { ...live.metadata, labels: { ...live.metadata?.labels, ...want.metadata?.labels }, annotations: { ...live.metadata?.annotations, ...want.metadata?.annotations } } };
  await kube.replaceObject(merged as KubernetesObject);
  return { what: label(want), outcome: 'updated' };
}

/** The marker is never overwritten: a cluster that already says something else is not to be relabelled. */
export async function applyKubeMarker(kube: KubeAdapter, marker: { namespace: string; name: string; key: string; value: string }): Promise<Applied> {
  const ref = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: marker.namespace, name: marker.name } };
  const live = (await kube.readObject(ref)) as { data?: Record<string, string> } | undefined;
  const what = `ConfigMap ${marker.namespace}/${marker.name} (marker)`;
  if (!live) {
    await kube.createObject({ ...ref, data: { [marker.key]: marker.value } } as KubernetesObject);
    return { what, outcome: 'created' };
  }
  if (live.data?.[marker.key] === marker.value) return { what, outcome: 'unchanged' };
  throw new Error(`${what} already has ${marker.key}=${JSON.stringify(live.data?.[marker.key] ?? null)}: this cluster says it is not the sandbox; nothing was changed`);
}

const statusOf = (e: unknown) => (e as { response?: { statusCode?: number } }).response?.statusCode;

async function readOrUndefined(vault: VaultAdapter, path: string): Promise<{ data?: Record<string, unknown> } | undefined> {
  try {
    return (await vault.read(path)) as { data?: Record<string, unknown> };
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    throw e;
  }
}

/** The KV v2 marker, written with the key file's token as the guard reads it; never overwritten. */
export async function applyVaultMarker(vault: VaultAdapter, marker: { mount: string; path: string; key: string; value: string }): Promise<Applied> {
  const path = `${marker.mount}/data/${marker.path}`;
  const what = `Vault ${path} (marker)`;
  const live = await readOrUndefined(vault, path);
  const value = (live?.data?.data as Record<string, unknown> | undefined)?.[marker.key];
  if (value === marker.value) return { what, outcome: 'unchanged' };
  if (value !== undefined) throw new Error(`${what} already has ${marker.key}=${JSON.stringify(value)}: this Vault says it is not the sandbox; nothing was changed`);
  await vault.write(path, { data: { [marker.key]: marker.value } });
  return { what, outcome: 'created' };
}

export async function applyVaultPolicy(vault: VaultAdapter, name: string, hcl: string): Promise<Applied> {
  const path = `sys/policies/acl/${name}`;
  const live = await readOrUndefined(vault, path);
  const what = `Vault policy ${name}`;
  if (live?.data?.policy === hcl) return { what, outcome: 'unchanged' };
  await vault.write(path, { policy: hcl });
  return { what, outcome: live ? 'updated' : 'created' };
}

/** The token controller fills a service-account-token Secret shortly after it is created. */
export async function waitForToken(kube: KubeAdapter, ref: KubernetesObject, sleep: (ms: number) => Promise<void>, now: () => number, timeoutMs = 30_000): Promise<string> {
  const deadline = now() + timeoutMs;
  for (;;) {
    const s = (await kube.readObject(ref)) as { data?: Record<string, string> } | undefined;
    if (s?.data?.token) return Buffer.from(s.data.token, 'base64').toString('utf8');
    if (now() > deadline) throw new Error(`${label(ref)}: no token after ${timeoutMs / 1000} s (is the token controller running?)`);
    await sleep(250);
  }
}
