import type { KubernetesObject } from '@kubernetes/client-node';
import type { CustomRef, KubeAdapter } from '../adapters/kube.ts';

const GROUP = 'longhorn.io';
const VERSION = 'v1beta2';
const API_VERSION = `${GROUP}/${VERSION}`;
const ref = (plural: string): CustomRef => ({ group: GROUP, version: VERSION, plural });
const VOLUMES = ref('volumes');
const ENGINES = ref('engines');
const REPLICAS = ref('replicas');

type LonghornObject = KubernetesObject & { spec?: { volumeName?: string } & Record<string, unknown> };

export interface RecreateOptions {
  /** How long a deleted Volume may take to go (a foreground delete waits for its Engine and Replicas). */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * What a Longhorn reinstall does to a volume (the 2026-04 power cut): its Volume, Engine and
 * Replica objects go without longhorn-manager cleaning up after them (finalizers removed first,
 * so no controller deletes the replicas' data), and the Volume is created anew with its old
 * spec. longhorn-manager then gives it a new engine and new replicas in new, empty data
 * directories; the old directories, data and all, stay on the disks as orphans.
 */
export async function recreateLonghornVolume(kube: KubeAdapter, name: string, o: RecreateOptions = {}): Promise<string> {
  const volume = ((await kube.listCustom(VOLUMES)) as LonghornObject[]).find((v) => v.metadata?.name === name);
  if (!volume?.metadata?.namespace) throw new Error(`no Longhorn volume ${name} (volumes.longhorn.io)`);
  const namespace = volume.metadata.namespace;
  const owned = (list: KubernetesObject[]) => (list as LonghornObject[]).filter((x) => x.metadata?.namespace === namespace && x.spec?.volumeName === name);
  const engines = owned(await kube.listCustom(ENGINES));
  const replicas = owned(await kube.listCustom(REPLICAS));
  const all: [CustomRef, string, LonghornObject][] = [[VOLUMES, 'Volume', volume], ...engines.map((e): [CustomRef, string, LonghornObject] => [ENGINES, 'Engine', e]), ...replicas.map((r): [CustomRef, string, LonghornObject] => [REPLICAS, 'Replica', r])];
  for (const [r, , obj] of all) if (obj.metadata?.finalizers?.length) await kube.patchCustom(r, namespace, obj.metadata.name!, { metadata: { finalizers: null } });
  for (const [, kind, obj] of all) await kube.deleteObject({ apiVersion: API_VERSION, kind, metadata: { name: obj.metadata!.name, namespace } });

  const sleep = o.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  while (await kube.readObject({ apiVersion: API_VERSION, kind: 'Volume', metadata: { name, namespace } })) {
    if (Date.now() > deadline) throw new Error(`Longhorn volume ${name} was deleted but is still there after ${(o.timeoutMs ?? 60_000) / 1000} s`);
    await sleep(200);
  }
  await kube.createObject({ apiVersion: API_VERSION, kind: 'Volume', metadata: { name, namespace, ...(volume.metadata.labels ? { labels: volume.metadata.labels } : {}) }, spec: volume.spec });
  return `${name}: Volume, ${engines.length} Engine(s) and ${replicas.length} Replica(s) deleted (finalizers removed), Volume created anew`;
}

/** Each named volume in turn, every Longhorn volume when none is named. */
export async function recreateLonghornVolumes(kube: KubeAdapter, names: string[] | undefined, o: RecreateOptions = {}): Promise<string> {
  const chosen = names ?? ((await kube.listCustom(VOLUMES)).map((v) => v.metadata?.name).filter((n): n is string => !!n).sort());
  const done: string[] = [];
  for (const n of chosen) done.push(await recreateLonghornVolume(kube, n, o));
  return done.join('; ');
}
