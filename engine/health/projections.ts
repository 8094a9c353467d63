import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';

/** What the health view reads of a pod; the informer keeps nothing else. */
export function slimPod(p: V1Pod): V1Pod {
  const m = p.metadata;
  return {
    metadata: { name: m?.name, namespace: m?.namespace, uid: m?.uid, resourceVersion: m?.resourceVersion, labels: m?.labels },
    spec: { nodeName: p.spec?.nodeName, containers: [] },
    status: {
      phase: p.status?.phase,
      containerStatuses: p.status?.containerStatuses?.map((c) => ({ name: c.name, image: '', imageID: '', ready: c.ready, restartCount: c.restartCount, state: c.state?.waiting ? { waiting: { reason: c.state.waiting.reason } } : {} })),
    },
  };
}

export function slimEvent(e: CoreV1Event): CoreV1Event {
  const m = e.metadata;
  return {
    metadata: { name: m?.name, namespace: m?.namespace, uid: m?.uid, resourceVersion: m?.resourceVersion, creationTimestamp: m?.creationTimestamp },
    involvedObject: { kind: e.involvedObject?.kind, name: e.involvedObject?.name },
    type: e.type,
    reason: e.reason,
    message: e.message,
    count: e.count,
    lastTimestamp: e.lastTimestamp,
    eventTime: e.eventTime,
  };
}
