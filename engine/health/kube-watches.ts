import type { KubernetesListObject, KubernetesObject, V1Pod } from '@kubernetes/client-node';
import type { KubeAdapter } from '../adapters/kube.ts';
import { slimEvent, slimPod } from './projections.ts';

/** What the dashboard watches: every resource is list+watch, never polled. */
export interface Watched {
  key: WatchKey;
  path: string;
  list(k: KubeAdapter): Promise<KubernetesListObject<KubernetesObject>>;
  /** Keeps only the fields the health view reads (pods and events are the many). */
  project?: (o: KubernetesObject) => KubernetesObject;
  /**
   * The big list (20,000 pods): on the first connection the others are shown as soon as they
   * are in, this one when it is, and until then what needs it says it is still being listed.
   */
  bulk?: true;
}

export type WatchKey = 'nodes' | 'pods' | 'events' | 'deployments' | 'volumes' | 'replicas' | 'orphans' | 'apps' | 'dynamicSecrets' | 'staticSecrets';

const PAGE = 500;

/**
 * Lists in chunks of PAGE (limit/continue) and projects each chunk as it arrives, so a
 * 20,000-pod list never sits in memory whole.
 */
function paged<T extends KubernetesObject>(page: (cont: string | undefined) => Promise<KubernetesListObject<T>>, project: (o: T) => T) {
  return async (): Promise<KubernetesListObject<KubernetesObject>> => {
    // client-node's list objects name the token `_continue`; the JSON of the API names it `continue`.
    const items: T[] = [];
    let cont: string | undefined;
    let first: KubernetesListObject<T> | undefined;
    do {
      const list = await page(cont);
      first ??= list;
      for (const item of list.items) items.push(project(item));
      const meta = list.metadata as { _continue?: string; continue?: string } | undefined;
      cont = meta?._continue ?? meta?.continue;
    } while (cont);
    return { ...first, metadata: { ...first.metadata, _continue: undefined, continue: undefined } as KubernetesListObject<T>['metadata'], items };
  };
}

function custom(group: string, version: string, plural: string) {
  return (k: KubeAdapter) => k.custom.listClusterCustomObject({ group, version, plural }) as Promise<KubernetesListObject<KubernetesObject>>;
}

export const WATCHED: readonly Watched[] = [
  { key: 'nodes', path: '/api/v1/nodes', list: (k) => k.core.listNode() },
  { key: 'pods', path: '/api/v1/pods', list: (k) => paged((c) => k.listJson<V1Pod>('/api/v1/pods', { limit: PAGE, continue: c }), slimPod)(), project: slimPod as unknown as Watched['project'], bulk: true },
  { key: 'events', path: '/api/v1/events', list: (k) => paged((c) => k.core.listEventForAllNamespaces({ limit: PAGE, _continue: c }), slimEvent)(), project: slimEvent as unknown as Watched['project'] },
  { key: 'deployments', path: '/apis/apps/v1/deployments', list: (k) => k.apps.listDeploymentForAllNamespaces() },
  { key: 'volumes', path: '/apis/longhorn.io/v1beta2/volumes', list: custom('longhorn.io', 'v1beta2', 'volumes') },
  { key: 'replicas', path: '/apis/longhorn.io/v1beta2/replicas', list: custom('longhorn.io', 'v1beta2', 'replicas') },
  { key: 'orphans', path: '/apis/longhorn.io/v1beta2/orphans', list: custom('longhorn.io', 'v1beta2', 'orphans') },
  { key: 'apps', path: '/apis/argoproj.io/v1alpha1/applications', list: custom('argoproj.io', 'v1alpha1', 'applications') },
  { key: 'dynamicSecrets', path: '/apis/secrets.hashicorp.com/v1beta1/vaultdynamicsecrets', list: custom('secrets.hashicorp.com', 'v1beta1', 'vaultdynamicsecrets') },
  { key: 'staticSecrets', path: '/apis/secrets.hashicorp.com/v1beta1/vaultstaticsecrets', list: custom('secrets.hashicorp.com', 'v1beta1', 'vaultstaticsecrets') },
];
