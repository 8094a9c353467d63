import type { LabSim } from '../../engine/sim/index.ts';
import { bearerToken } from './lab-sim.ts';

export interface ServedKind {
  group: string;
  version: string;
  kind: string;
  plural: string;
}

export interface ServedObject {
  kind: ServedKind;
  object: Record<string, unknown>;
}

/** GET on the sim's kube API as any client would: bearer token, JSON. */
async function kubeGet<T>(sim: LabSim, path: string): Promise<T> {
  const res = await fetch(`${sim.urls.kube}${path}`, { headers: { authorization: `Bearer ${bearerToken(sim)}`, accept: 'application/json' } });
  if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Every kind the sim serves, as its discovery documents say (subresources left out). */
export async function servedKinds(sim: LabSim): Promise<ServedKind[]> {
  const groups = await kubeGet<{ groups: { name: string; preferredVersion: { version: string } }[] }>(sim, '/apis');
  const versions = [{ group: '', version: 'v1', path: '/api/v1' }, ...groups.groups.map((g) => ({ group: g.name, version: g.preferredVersion.version, path: `/apis/${g.name}/${g.preferredVersion.version}` }))];
  const kinds: ServedKind[] = [];
  for (const v of versions) {
    const list = await kubeGet<{ resources: { name: string; kind: string; verbs: string[] }[] }>(sim, v.path);
    for (const r of list.resources) if (!r.name.includes('/') && r.verbs.includes('list')) kinds.push({ group: v.group, version: v.version, kind: r.kind, plural: r.name });
  }
  return kinds;
}

/** Every object of every served kind, listed (all namespaces) the way a client lists them. */
export async function servedObjects(sim: LabSim, kinds: ServedKind[]): Promise<ServedObject[]> {
  const out: ServedObject[] = [];
  for (const kind of kinds) {
    const base = kind.group ? `/apis/${kind.group}/${kind.version}` : `/api/${kind.version}`;
    const list = await kubeGet<{ items: Record<string, unknown>[] }>(sim, `${base}/${kind.plural}`);
    for (const object of list.items) out.push({ kind, object });
  }
  return out;
}
