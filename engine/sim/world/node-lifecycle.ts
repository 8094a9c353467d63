import { isoTime, type KubeObject } from '../kube/kube-object.ts';
import { resourceForKind } from '../kube/resources.ts';
import { HEALTHY_NODE_CONDITIONS } from './node-objects.ts';
import { POD, type PodObject } from './pod-index.ts';
import type { Power } from './power.ts';
import type { Controller, World } from './world.ts';

export const NODE = resourceForKind('v1', 'Node');

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}
interface Taint {
  key: string;
  effect: string;
  timeAdded?: string;
}
type NodeObject = KubeObject & { spec: { taints?: Taint[]; unschedulable?: boolean }; status: { conditions: Condition[]; nodeInfo: { bootID: string } } };

const UNREACHABLE = 'node.kubernetes.io/unreachable';
/** kubelet's nodeStatusReportFrequency default: an unchanged status is re-posted this often, its heartbeat times with it. */
const STATUS_REPORT_MS = 5 * 60_000;

export function isNodeReady(node: KubeObject | undefined): boolean {
  const conditions = ((node as NodeObject | undefined)?.status?.conditions ?? []) as Condition[];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * Kubelet heartbeats plus kube-controller-manager's node lifecycle controller: a silent node goes
 * Ready=Unknown after nodeMonitorGracePeriod, gets the unreachable taints, its pods are marked
 * not ready, and after podEvictionTimeout (the taints' default tolerationSeconds) they are
 * evicted. DaemonSet pods tolerate the taints and stay.
 */
export class NodeLifecycleController implements Controller {
  readonly name = 'node-lifecycle';

  constructor(
    private readonly world: World,
    private readonly power: Power,
  ) {}

  reconcile(): void {
    if (!this.power.controlPlaneUp()) return;
    for (const name of this.power.names()) {
      if (this.power.isBooted(name)) this.postReady(name);
      else this.checkSilent(name);
    }
  }

  private postReady(name: string): void {
    const node = this.world.store.get<NodeObject>(NODE, undefined, name);
    if (!node) return;
    const bootId = this.power.bootId(name);
    const tainted = (node.spec.taints ?? []).some((t) => t.key === UNREACHABLE);
    if (isNodeReady(node) && !tainted && node.status.nodeInfo.bootID === bootId) return this.reportStatus(name, node);
    const stamp = isoTime(this.world.now());
    const updated = this.world.store.update<NodeObject>(NODE, undefined, name, (n) => {
      n.status.nodeInfo.bootID = bootId;
      n.spec.taints = (n.spec.taints ?? []).filter((t) => t.key !== UNREACHABLE);
      if (n.spec.taints.length === 0) delete n.spec.taints;
      for (const c of n.status.conditions) {
        const healthy = HEALTHY_NODE_CONDITIONS[c.type];
        if (healthy && c.status !== healthy.status) {
          Object.assign(c, healthy);
          c.lastTransitionTime = stamp;
        }
        c.lastHeartbeatTime = stamp;
      }
    });
    this.power.markHeard(name);
    if (updated) this.world.event(updated, 'Normal', 'NodeReady', `Node ${name} status is now: NodeReady`, 'kubelet');
  }

  private reportStatus(name: string, node: NodeObject): void {
    const last = Math.max(0, ...node.status.conditions.map((c) => Date.parse(c.lastHeartbeatTime ?? '') || 0));
    const due = last + STATUS_REPORT_MS;
    if (this.world.now() < due) return this.world.wakeAt(due);
    const stamp = isoTime(this.world.now());
    this.world.store.update<NodeObject>(NODE, undefined, name, (n) => {
      for (const c of n.status.conditions) c.lastHeartbeatTime = stamp;
    });
    this.world.wakeAt(this.world.now() + STATUS_REPORT_MS);
  }

  private checkSilent(name: string): void {
    const since = this.power.silentSince(name);
    if (since === undefined) return;
    const { nodeMonitorGracePeriod, podEvictionTimeout } = this.world.topology.timings;
    const notReadyAt = since + nodeMonitorGracePeriod;
    if (this.world.now() < notReadyAt) {
      this.world.wakeAt(notReadyAt);
      return;
    }
    const node = this.world.store.get<NodeObject>(NODE, undefined, name);
    if (!node) return;
    const taint = (node.spec.taints ?? []).find((t) => t.key === UNREACHABLE && t.effect === 'NoExecute');
    if (!taint) {
      this.markUnreachable(name);
      return;
    }
    const evictAt = Date.parse(taint.timeAdded ?? '') + podEvictionTimeout;
    if (this.world.now() < evictAt) {
      this.world.wakeAt(evictAt);
      return;
    }
    this.evictPods(name);
  }

  private markUnreachable(name: string): void {
    const stamp = isoTime(this.world.now());
    const node = this.world.store.update<NodeObject>(NODE, undefined, name, (n) => {
      n.spec.taints = [
        ...(n.spec.taints ?? []),
        { key: UNREACHABLE, effect: 'NoSchedule', timeAdded: stamp },
        { key: UNREACHABLE, effect: 'NoExecute', timeAdded: stamp },
      ];
      for (const c of n.status.conditions) {
        c.status = 'Unknown';
        c.reason = 'NodeStatusUnknown';
        c.message = 'Kubelet stopped posting node status.';
        c.lastTransitionTime = stamp;
      }
    });
    if (node) this.world.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`, 'node-controller');
    for (const pod of this.world.pods.onNode(name)) {
      this.world.store.update<PodObject>(POD, pod.metadata.namespace, pod.metadata.name, (p) => {
        const conditions = (p.status?.conditions ?? []) as Condition[];
        for (const c of conditions) {
          if ((c.type === 'Ready' || c.type === 'ContainersReady') && c.status !== 'False') {
            c.status = 'False';
            c.lastTransitionTime = stamp;
          }
        }
      });
    }
  }

  private evictPods(name: string): void {
    for (const pod of this.world.pods.onNode(name)) {
      if (pod.metadata.deletionTimestamp) continue;
      if ((pod.metadata.ownerReferences ?? []).some((o) => o.kind === 'DaemonSet')) continue;
      const evicted = this.world.store.update<PodObject>(POD, pod.metadata.namespace, pod.metadata.name, (p) => {
        p.metadata.deletionTimestamp = isoTime(this.world.now() + 30_000);
        p.metadata.deletionGracePeriodSeconds = 30;
      });
      if (evicted) {
        this.world.event(evicted, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}`, 'taint-eviction-controller');
      }
    }
  }
}
