import { isoTime, type KubeObject } from '../kube/kube-object.ts';
import { isNodeReady, NODE } from './node-lifecycle.ts';
import { POD, type PodObject } from './pod-index.ts';
import type { Controller, World } from './world.ts';

type NodeObject = KubeObject & { spec: { unschedulable?: boolean; taints?: { key: string; effect: string }[] } };

/**
 * default-scheduler, reduced to what the lab needs: Ready, schedulable, untainted nodes that
 * match the pod's nodeSelector; the least busy wins, ties broken by name for determinism.
 */
export class Scheduler implements Controller {
  readonly name = 'scheduler';

  constructor(
    private readonly world: World,
    private readonly controlPlaneUp: () => boolean,
  ) {}

  reconcile(): void {
    if (!this.controlPlaneUp() || this.world.pods.unscheduled.size === 0) return;
    const nodes = this.world.store.list<NodeObject>(NODE).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    for (const key of [...this.world.pods.unscheduled].sort()) {
      const pod = this.world.pods.get(key);
      if (pod) this.schedule(pod, nodes);
    }
  }

  private schedule(pod: PodObject, nodes: NodeObject[]): void {
    let notReady = 0;
    let tainted = 0;
    let mismatched = 0;
    let best: NodeObject | undefined;
    for (const node of nodes) {
      if (!isNodeReady(node)) notReady++;
      else if (node.spec.unschedulable || (node.spec.taints ?? []).some((t) => t.effect === 'NoSchedule')) tainted++;
      else if (!matchesSelector(pod, node)) mismatched++;
      else if (!best || this.world.pods.countOnNode(node.metadata.name) < this.world.pods.countOnNode(best.metadata.name)) best = node;
    }
    const { namespace, name } = pod.metadata;
    if (!best) {
      const reasons = [
        notReady && `${notReady} node(s) had untolerated taint {node.kubernetes.io/unreachable: }`,
        tainted && `${tainted} node(s) were unschedulable`,
        mismatched && `${mismatched} node(s) didn't match Pod's node affinity/selector`,
      ].filter(Boolean);
      const message = `0/${nodes.length} nodes are available: ${reasons.join(', ')}. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`;
      const updated = this.world.store.update<PodObject>(POD, namespace, name, (p) => {
        p.status = { ...(p.status ?? {}), phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastTransitionTime: isoTime(this.world.now()) }] };
      });
      if (updated && updated !== pod) this.world.event(updated, 'Warning', 'FailedScheduling', message, 'default-scheduler');
      return;
    }
    const nodeName = best.metadata.name;
    const bound = this.world.store.update<PodObject>(POD, namespace, name, (p) => {
      p.spec.nodeName = nodeName;
      p.status = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: isoTime(this.world.now()) }], qosClass: 'BestEffort' };
    });
    if (bound) this.world.event(bound, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${nodeName}`, 'default-scheduler');
  }
}

function matchesSelector(pod: PodObject, node: NodeObject): boolean {
  const labels = node.metadata.labels ?? {};
  return Object.entries(pod.spec.nodeSelector ?? {}).every(([k, v]) => labels[k] === v);
}
