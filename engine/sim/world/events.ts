import { resourceForKind } from '../kube/resources.ts';
import { isoTime, isoMicroTime, type KubeObject } from '../kube/kube-object.ts';
import type { KubeStore } from '../kube/store.ts';
import type { Prng } from '../prng.ts';

const EVENT = resourceForKind('v1', 'Event');
const EVENTS_V1_RECORDERS = new Set(['default-scheduler']);

/**
 * core/v1 Events, aggregated like client-go's event recorder (same object + reason + message
 * bumps count) and pruned to the newest `retention` so long runs stay bounded. A kubelet's events
 * name its node in `source.host`, as the legacy recorder writes them.
 */
export class EventRecorder {
  private readonly byFingerprint = new Map<string, { namespace: string; name: string }>();
  private readonly order: string[] = [];

  constructor(
    private readonly store: KubeStore,
    private readonly now: () => number,
    private readonly prng: Prng,
    private readonly retention: number,
  ) {}

  record(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, source: string): void {
    const namespace = obj.metadata.namespace ?? 'default';
    const fingerprint = `${obj.metadata.uid}|${reason}|${message}`;
    const stamp = isoTime(this.now());
    const existing = this.byFingerprint.get(fingerprint);
    if (existing && this.store.get(EVENT, existing.namespace, existing.name)) {
      this.store.update<KubeObject>(EVENT, existing.namespace, existing.name, (e) => {
        e.count = ((e.count as number) ?? 1) + 1;
        e.lastTimestamp = stamp;
      });
      return;
    }
    const name = `${obj.metadata.name}.${this.prng.hex(16)}`;
    const host = source === 'kubelet' ? (obj.kind === 'Node' ? obj.metadata.name : (obj as { spec?: { nodeName?: string } }).spec?.nodeName) : undefined;
    this.store.create(EVENT, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace, creationTimestamp: stamp },
      involvedObject: {
        kind: obj.kind,
        apiVersion: obj.apiVersion,
        name: obj.metadata.name,
        namespace: obj.metadata.namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
      },
      reason,
      message,
      type,
      source: { component: source, ...(host ? { host } : {}) },
      reportingComponent: source,
      reportingInstance: host ?? '',
      firstTimestamp: stamp,
      lastTimestamp: stamp,
      // Only the events.k8s.io/v1 recorders (the scheduler's) set eventTime; client-go's legacy one leaves it null.
      eventTime: EVENTS_V1_RECORDERS.has(source) ? isoMicroTime(this.now()) : null,
      count: 1,
    });
    this.byFingerprint.set(fingerprint, { namespace, name });
    this.order.push(fingerprint);
    while (this.order.length > this.retention) {
      const oldest = this.order.shift() as string;
      const ref = this.byFingerprint.get(oldest);
      this.byFingerprint.delete(oldest);
      if (ref) this.store.remove(EVENT, ref.namespace, ref.name);
    }
  }
}
