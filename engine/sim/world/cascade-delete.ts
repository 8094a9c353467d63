import { isoTime, type KubeObject } from '../kube/kube-object.ts';
import { resourceForKind, type ResourceDef } from '../kube/resources.ts';
import { POD, type PodObject } from './pod-index.ts';
import type { WorkloadObject } from './workload-objects.ts';
import type { World } from './world.ts';

const SECRET = resourceForKind('v1', 'Secret');
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/**
 * Deletes an object the way a background-cascading delete ends up: the object goes, then the
 * garbage collector removes what it owns. lab-sim has no ReplicaSet objects and no collector, so
 * the dependents its controllers create are handled here: a workload's pods (terminated
 * gracefully, the kubelet finishes them) and Secrets owned by the object (VSO's destinations).
 */
export function deleteWithDependents(world: World, def: ResourceDef, namespace: string | undefined, name: string): KubeObject | undefined {
  const removed = world.store.remove(def, namespace, name);
  if (!removed || !namespace) return removed;
  if (WORKLOAD_KINDS.has(removed.kind)) {
    for (const pod of ownedPods(world, removed as WorkloadObject)) {
      world.store.update<PodObject>(POD, namespace, pod.metadata.name, (p) => {
        p.metadata.deletionTimestamp ??= isoTime(world.now() + 30_000);
        p.metadata.deletionGracePeriodSeconds ??= 30;
      });
    }
  }
  for (const secret of world.store.list(SECRET, namespace)) {
    if (secret.metadata.ownerReferences?.some((o) => o.uid === removed.metadata.uid)) world.store.remove(SECRET, namespace, secret.metadata.name);
  }
  return removed;
}

function ownedPods(world: World, workload: WorkloadObject): PodObject[] {
  const selector = Object.entries(workload.spec.selector?.matchLabels ?? {});
  return world.pods.inNamespace(workload.metadata.namespace as string).filter((p) => {
    const owner = p.metadata.ownerReferences?.[0];
    const ours = owner?.uid === workload.metadata.uid || (owner?.kind === 'ReplicaSet' && owner.name.startsWith(`${workload.metadata.name}-`));
    return ours && selector.every(([k, v]) => p.metadata.labels?.[k] === v);
  });
}
