import { isoTime } from '../kube/kube-object.ts';
import { mainContainerIndex } from './chart-pod-templates.ts';
import type { PodObject } from './pod-index.ts';
import type { Login } from './postgres.ts';

export interface Termination {
  reason: string;
  exitCode: number;
  message?: string;
  startedAt: number;
  finishedAt: number;
}

/**
 * The kubelet's memory of one pod: its workload container (the default-container, else the only
 * one) crashes, restarts and turns ready; sidecars (VSO's kube-rbac-proxy) start with the pod and
 * run until it stops.
 */
export interface PodRuntime {
  key: string;
  node: string;
  bootId: string;
  state: 'creating' | 'running' | 'backoff';
  createdAt: number;
  startAt: number;
  startedAt?: number;
  /** When this runtime first started the pod's containers: the sidecars' start. */
  podStartedAt?: number;
  /** Sidecar restart counts carried over from the pod's status (a reboot restarts them too). */
  sidecarRestarts: Record<string, number>;
  crashAt?: number;
  crashMessage?: string;
  backoffUntil?: number;
  restartCount: number;
  lastTermination?: Termination;
  waiting?: { reason: string; message?: string };
  ready: boolean;
  readyProblem?: string;
  /** The database credentials the container read from its Secret when it started. */
  dbLogin?: Login;
  containerId?: string;
  podIP: string;
  hostIP: string;
  stopAt?: number;
  /** Output of the current container and of the one before it (kubectl logs --previous). */
  log: string[];
  previousLog: string[];
}

/** Pod status as the kubelet would post it for this runtime. */
export function podStatus(pod: PodObject, rt: PodRuntime): Record<string, unknown> {
  const container = mainContainer(pod);
  const started = rt.state === 'running';
  const everStarted = rt.startedAt !== undefined;
  const state = started
    ? { running: { startedAt: isoTime(rt.startedAt as number) } }
    : { waiting: { reason: rt.waiting?.reason ?? 'ContainerCreating', ...(rt.waiting?.message ? { message: rt.waiting.message } : {}) } };
  const last = rt.lastTermination;
  const since = (ms: number | undefined) => isoTime(ms ?? rt.createdAt);
  const sidecarsUp = rt.podStartedAt !== undefined;
  const unready = pod.spec.containers.filter((c) => (c === container ? !rt.ready : !sidecarsUp)).map((c) => c.name);
  const condition = (type: string, ok: boolean, at: number | undefined) => ({
    type,
    status: ok ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: since(at),
    ...(ok || type === 'PodReadyToStartContainers' ? {} : { reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` }),
  });
  const imageID = (image: string) => `${image.split(':')[0]}@sha256:${hashHex(image)}`;
  const sidecar = (c: { name: string; image: string }) => ({
    name: c.name,
    image: c.image,
    imageID: imageID(c.image),
    ...(sidecarsUp ? { containerID: `containerd://${hashHex(`${pod.metadata.uid}/${rt.bootId}/${c.name}`)}` } : {}),
    ready: sidecarsUp,
    started: sidecarsUp,
    restartCount: rt.sidecarRestarts[c.name] ?? 0,
    state: sidecarsUp ? { running: { startedAt: isoTime(rt.podStartedAt as number) } } : { waiting: { reason: 'ContainerCreating' } },
    lastState: {},
  });
  return {
    phase: everStarted || started ? 'Running' : 'Pending',
    conditions: [
      condition('PodReadyToStartContainers', rt.state !== 'creating' || everStarted, rt.createdAt),
      condition('Initialized', true, rt.createdAt),
      condition('Ready', rt.ready, rt.startedAt),
      condition('ContainersReady', rt.ready, rt.startedAt),
      condition('PodScheduled', true, rt.createdAt),
    ],
    hostIP: rt.hostIP,
    hostIPs: [{ ip: rt.hostIP }],
    podIP: rt.podIP,
    podIPs: [{ ip: rt.podIP }],
    startTime: isoTime(rt.createdAt),
    qosClass: 'BestEffort',
    // The kubelet lists container statuses sorted by name.
    containerStatuses: [...pod.spec.containers].sort((a, b) => (a.name < b.name ? -1 : 1)).map((c) => (c !== container ? sidecar(c) : {
        name: container.name,
        image: container.image,
        imageID: imageID(container.image),
        ...(rt.containerId ? { containerID: `containerd://${rt.containerId}` } : {}),
        ready: rt.ready,
        started,
        restartCount: rt.restartCount,
        state,
        lastState: last
          ? { terminated: { exitCode: last.exitCode, reason: last.reason, ...(last.message ? { message: last.message } : {}), startedAt: isoTime(last.startedAt), finishedAt: isoTime(last.finishedAt), containerID: `containerd://${rt.containerId ?? ''}` } }
          : {},
      })),
  };
}

/** The pod's workload container: the one its default-container annotation names, else the first. */
export function mainContainer(pod: PodObject): { name: string; image: string } {
  return pod.spec.containers[mainContainerIndex(pod)] as { name: string; image: string };
}

function hashHex(text: string): string {
  let h = 0x811c9dc5;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0').repeat(8);
}
