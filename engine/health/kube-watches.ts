import type { KubernetesListObject, KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { DASHBOARD_WATCHES, type Permission } from '../access/permissions.ts';
import type { KubeAdapter } from '../adapters/kube.ts';
import { slimEvent, slimPod } from './projections.ts';

/** What the dashboard watches: every resource is list+watch, never polled. */
export interface Watched {
  key: WatchKey;
  path: string;
  /** The table entry this watch needs: a refused one names it on its pane. */
  access: Permission;
  list(k: KubeAdapter): Promise<KubernetesListObject<KubernetesObject>>;
  /** Keeps only the fields the health view reads (pods and events are the many). */
  project?: (o: KubernetesObject) => KubernetesObject;
  /**
   * The big list (20,000 pods): on the first connection the others are shown as soon as they
   * are in, this one when it is, and until then what needs it says it is still being listed.
   */
  bulk?: true;
}

export type WatchKey = keyof typeof DASHBOARD_WATCHES;

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
  { key: 'nodes', access: DASHBOARD_WATCHES.nodes, path: '/api/v1/nodes', list: (k) => k.core.listNode() },
  { key: 'pods', access: DASHBOARD_WATCHES.pods, path: '/api/v1/pods', list: (k) => paged((c) => k.listJson<V1Pod>('/api/v1/pods', { limit: PAGE, continue: c }), slimPod)(), project: slimPod as unknown as Watched['project'], bulk: true },
  { key: 'events', access: DASHBOARD_WATCHES.events, path: '/api/v1/events', list: (k) => paged((c) => k.core.listEventForAllNamespaces({ limit: PAGE, _continue: c }), slimEvent)(), project: slimEvent as unknown as Watched['project'] },
  { key: 'deployments', access: DASHBOARD_WATCHES.deployments, path: '/apis/apps/v1/deployments', list: (k) => k.apps.listDeploymentForAllNamespaces() },
  { key: 'volumes', access: DASHBOARD_WATCHES.volumes, path: '/apis/longhorn.io/v1beta2/volumes', list: custom('longhorn.io', 'v1beta2', 'volumes') },
  { key: 'replicas', access: DASHBOARD_WATCHES.replicas, path: '/apis/longhorn.io/v1beta2/replicas', list: custom('longhorn.io', 'v1beta2', 'replicas') },
  { key: 'orphans', access: DASHBOARD_WATCHES.orphans, path: '/apis/longhorn.io/v1beta2/orphans', list: custom('longhorn.io', 'v1beta2', 'orphans') },
  { key: 'apps', access: DASHBOARD_WATCHES.apps, path: '/apis/argoproj.io/v1alpha1/applications', list: custom('argoproj.io', 'v1alpha1', 'applications') },
  { key: 'dynamicSecrets', access: DASHBOARD_WATCHES.dynamicSecrets, path: '/apis/secrets.hashicorp.com/v1beta1/vaultdynamicsecrets', list: custom('secrets.hashicorp.com', 'v1beta1', 'vaultdynamicsecrets') },
  { key: 'staticSecrets', access: DASHBOARD_WATCHES.staticSecrets, path: '/apis/secrets.hashicorp.com/v1beta1/vaultstaticsecrets', list: custom('secrets.hashicorp.com', 'v1beta1', 'vaultstaticsecrets') },
];
