import type { Longhorn } from './longhorn.ts';
import { podKey, type PodDependencies } from './pod-dependencies.ts';
import { POD, type PodObject } from './pod-index.ts';
import { mainContainer, podStatus, type PodRuntime } from './pod-status.ts';
import type { Power } from './power.ts';
import { isPodReady } from './workload-objects.ts';
import type { Controller, World } from './world.ts';
import { podCidr } from './node-objects.ts';

/** Containers running when the sim starts have been up this long. */
export const BOOTSTRAP_UPTIME_MS = 2 * 3600_000;
const MAX_LOG_LINES = 200;

/**
 * The kubelets of every node: container start, crash and CrashLoopBackOff (10 s doubling to
 * 300 s), ImagePullBackOff, readiness from the pod's dependencies, graceful stop, and restarts
 * after a reboot. Containers die with their node's power; pod objects stay until the kubelet is
 * back to report (or the node controller evicts them).
 */
export class Kubelet implements Controller {
  readonly name = 'kubelet';
  private readonly runtimes = new Map<string, PodRuntime>();
  /** Pods that need a look on the next settle; steady pods without dependencies drop out. */
  private readonly active = new Set<string>();
  private readonly seenBoot = new Map<string, string>();
  private ipCounter = 10;

  constructor(
    private readonly world: World,
    private readonly power: Power,
    private readonly longhorn: Longhorn,
    private readonly deps: PodDependencies,
    private readonly registry: { has(image: string): boolean },
  ) {
    // Nodes are up when the sim starts: only pods created or changed from now on need a look.
    for (const node of power.names()) this.seenBoot.set(node, power.bootId(node));
    world.store.onChange((def, event) => {
      if (def !== POD || event.type === 'DELETED') return;
      const pod = event.entry.obj as PodObject;
      const key = podKey(pod);
      if (pod.spec.nodeName && (this.runtimes.has(key) || !isPodReady(pod) || pod.metadata.deletionTimestamp)) this.active.add(key);
    });
  }

  /** The process of a workload's container, if one is running: "<pod uid>/<start time>". */
  runningInstance(namespace: string, app: string): string | undefined {
    for (const pod of this.world.pods.inNamespace(namespace)) {
      if (pod.metadata.labels?.app !== app || pod.metadata.deletionTimestamp) continue;
      const rt = this.runtimes.get(podKey(pod));
      if (rt && rt.state === 'running' && rt.crashAt === undefined && this.power.isBooted(rt.node)) return `${pod.metadata.uid}/${rt.startedAt}`;
    }
    return undefined;
  }

  /**
   * What `kubectl logs` shows: the workload container's own output, or the previous one's. A
   * sidecar's output is not modelled (an empty log); it has no previous container while its pod runs.
   */
  containerLog(key: string, container: string, previous: boolean): string[] | undefined {
    const rt = this.runtimes.get(key);
    const pod = this.world.pods.get(key);
    if (!rt || !pod) return undefined;
    if (container !== mainContainer(pod).name) return previous || rt.podStartedAt === undefined ? undefined : [];
    return previous ? rt.previousLog : rt.log;
  }

  podAlive = (key: string): boolean => {
    const rt = this.runtimes.get(key);
    const pod = this.world.pods.get(key);
    return !!rt && !!pod && !pod.metadata.deletionTimestamp && this.power.isBooted(rt.node);
  };

  reconcile(): void {
    for (const [key, rt] of this.runtimes) {
      if (!this.power.isBooted(rt.node)) this.kill(key);
    }
    for (const node of this.power.names()) {
      if (!this.power.isBooted(node)) continue;
      const boot = this.power.bootId(node);
      if (this.seenBoot.get(node) === boot) continue;
      this.seenBoot.set(node, boot);
      for (const pod of this.world.pods.onNode(node)) this.active.add(podKey(pod));
    }
    if (!this.power.controlPlaneUp()) return;
    for (const key of this.world.pods.terminating) this.active.add(key);
    for (const key of [...this.active].sort()) this.process(key);
  }

  private kill(key: string): void {
    this.runtimes.delete(key);
    this.longhorn.release(key);
    this.active.add(key);
  }

  private process(key: string): void {
    const pod = this.world.pods.get(key);
    const node = pod?.spec.nodeName;
    if (!pod || !node) {
      this.runtimes.delete(key);
      this.active.delete(key);
      if (!pod) this.longhorn.release(key);
      return;
    }
    if (!this.power.isBooted(node)) {
      this.active.delete(key);
      return;
    }
    let rt = this.runtimes.get(key);
    if (!rt || rt.bootId !== this.power.bootId(node)) {
      rt = this.newRuntime(pod, node);
      this.runtimes.set(key, rt);
    }
    if (pod.metadata.deletionTimestamp) {
      this.stop(pod, rt);
      return;
    }
    this.advance(pod, rt);
    const updated = this.world.store.update<PodObject>(POD, pod.metadata.namespace, pod.metadata.name, (p) => {
      p.status = podStatus(p, rt as PodRuntime);
    });
    const steady = rt.state === 'running' && rt.ready && rt.crashAt === undefined;
    if (steady && Object.keys(this.deps.needsFor(pod)).length === 0 && updated === pod) this.active.delete(key);
  }

  private newRuntime(pod: PodObject, node: string): PodRuntime {
    const statuses = (pod.status?.containerStatuses ?? []) as { name: string; restartCount?: number; started?: boolean; lastState?: { terminated?: unknown } }[];
    const main = mainContainer(pod).name;
    const before = statuses.find((s) => s.name === main);
    const ranBefore = !!before && (before.started || before.lastState?.terminated !== undefined || (before.restartCount ?? 0) > 0);
    const sidecarRestarts = Object.fromEntries(statuses.filter((s) => s.name !== main).map((s) => [s.name, (s.restartCount ?? 0) + (s.started ? 1 : 0)]));
    const now = this.world.now();
    const nodeIndex = this.power.names().indexOf(node);
    return {
      key: podKey(pod),
      node,
      bootId: this.power.bootId(node),
      state: 'creating',
      createdAt: pod.status?.startTime ? Date.parse(pod.status.startTime as string) : this.world.bootstrapping ? now - BOOTSTRAP_UPTIME_MS : now,
      startAt: this.world.bootstrapping ? now : now + this.world.topology.timings.containerStart,
      restartCount: (before?.restartCount ?? 0) + (ranBefore ? 1 : 0),
      sidecarRestarts,
      ready: false,
      log: [],
      previousLog: [],
      podIP: podCidr(nodeIndex).replace(/0\/24$/, String((this.ipCounter++ % 250) + 2)),
      hostIP: this.power.specs()[nodeIndex]?.internalIP ?? '',
    };
  }

  private advance(pod: PodObject, rt: PodRuntime): void {
    const now = this.world.now();
    const t = this.world.topology.timings;
    const needs = this.deps.needsFor(pod);
    const container = mainContainer(pod);
    if (rt.state === 'creating') {
      const missing = pod.spec.containers.find((c) => !this.registry.has(c.image))?.image;
      if (missing) {
        const first = rt.waiting?.reason !== 'ImagePullBackOff';
        rt.waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${missing}"` };
        if (first) this.world.event(pod, 'Warning', 'Failed', `Failed to pull image "${missing}": rpc error: code = NotFound desc = failed to pull and unpack image "${missing}": not found`, 'kubelet');
        return;
      }
      const config = this.deps.configProblem(pod, needs);
      const attach = config ?? this.deps.attachProblem(pod, needs, this.podAlive);
      if (attach) {
        const reason = config ? 'CreateContainerConfigError' : 'ContainerCreating';
        if (rt.waiting?.message !== attach) this.world.event(pod, 'Warning', config ? 'Failed' : 'FailedAttachVolume', config ? `Error: ${attach}` : attach, 'kubelet');
        rt.waiting = { reason, message: attach };
        return;
      }
      if (needs.volume) this.longhorn.attach(needs.volume, rt.key, rt.node);
      if (now < rt.startAt) {
        rt.waiting = { reason: 'ContainerCreating' };
        this.world.wakeAt(rt.startAt);
        return;
      }
      this.start(pod, rt, needs);
    }
    if (rt.state === 'backoff') {
      if (now < (rt.backoffUntil as number)) {
        this.world.wakeAt(rt.backoffUntil as number);
        return;
      }
      this.start(pod, rt, needs);
    }
    if (rt.crashAt !== undefined) {
      if (now < rt.crashAt) {
        this.world.wakeAt(rt.crashAt);
        return;
      }
      rt.lastTermination = { reason: 'Error', exitCode: 1, message: rt.crashMessage, startedAt: rt.startedAt as number, finishedAt: now };
      this.logLine(rt, `FATAL ${rt.crashMessage}`);
      rt.restartCount++;
      const backoff = Math.min(t.crashLoopBackoffMax, t.crashLoopBackoffInitial * 2 ** (rt.restartCount - 1));
      rt.state = 'backoff';
      rt.crashAt = undefined;
      rt.ready = false;
      rt.backoffUntil = now + backoff;
      rt.waiting = { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(backoff / 1000)}s restarting failed container=${container.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})` };
      this.world.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${container.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`, 'kubelet');
      this.world.wakeAt(rt.backoffUntil);
      return;
    }
    const readyAt = (rt.startedAt as number) + (this.world.bootstrapping ? 0 : t.readinessDelay);
    if (now < readyAt) {
      this.world.wakeAt(readyAt);
      return;
    }
    const problem = this.deps.readinessProblem(pod, needs, rt.dbLogin);
    if (problem && problem !== rt.readyProblem) {
      this.world.event(pod, 'Warning', 'Unhealthy', `Readiness probe failed: ${problem}`, 'kubelet');
      this.logLine(rt, `ERROR ${problem}`);
    }
    if (!problem && rt.readyProblem) this.logLine(rt, 'INFO dependencies reachable again');
    rt.readyProblem = problem ?? undefined;
    rt.ready = problem === null;
  }

  private start(pod: PodObject, rt: PodRuntime, needs: ReturnType<PodDependencies['needsFor']>): void {
    const now = this.world.now();
    const container = mainContainer(pod);
    // The first start brings up every container in spec order; a crash restarts only the workload's.
    for (const c of rt.podStartedAt === undefined ? pod.spec.containers : [container]) {
      this.world.event(pod, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`, 'kubelet');
      this.world.event(pod, 'Normal', 'Created', `Created container: ${c.name}`, 'kubelet');
      this.world.event(pod, 'Normal', 'Started', `Started container ${c.name}`, 'kubelet');
    }
    rt.state = 'running';
    rt.waiting = undefined;
    rt.startedAt = this.world.bootstrapping ? now - BOOTSTRAP_UPTIME_MS : now;
    rt.podStartedAt ??= rt.startedAt;
    rt.containerId = this.world.prng.hex(64);
    rt.previousLog = rt.log;
    rt.log = [];
    this.logLine(rt, `INFO starting ${container.image}`);
    rt.dbLogin = this.deps.databaseLogin(pod, needs);
    const fatal = this.deps.startProblem(pod, needs, rt.dbLogin);
    rt.crashAt = fatal ? now + this.world.topology.timings.crashAfter : undefined;
    rt.crashMessage = fatal ?? undefined;
    rt.ready = false;
    rt.readyProblem = undefined;
    this.world.touch();
  }

  private logLine(rt: PodRuntime, text: string): void {
    rt.log.push(`${new Date(this.world.now()).toISOString()} ${text}`);
    if (rt.log.length > MAX_LOG_LINES) rt.log.shift();
  }

  private stop(pod: PodObject, rt: PodRuntime): void {
    const now = this.world.now();
    if (rt.stopAt === undefined) {
      const main = mainContainer(pod);
      const running = pod.spec.containers.filter((c) => (c === main ? rt.state === 'running' : rt.podStartedAt !== undefined));
      rt.stopAt = now + (running.length ? this.world.topology.timings.podShutdown : 0);
      for (const c of running) this.world.event(pod, 'Normal', 'Killing', `Stopping container ${c.name}`, 'kubelet');
    }
    if (now < rt.stopAt) {
      this.world.wakeAt(rt.stopAt);
      return;
    }
    this.world.store.remove(POD, pod.metadata.namespace, pod.metadata.name);
    this.longhorn.release(rt.key);
    this.runtimes.delete(rt.key);
    this.active.delete(rt.key);
    this.world.touch();
  }
}
