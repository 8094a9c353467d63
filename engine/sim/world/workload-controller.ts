import { isoTime } from '../kube/kube-object.ts';
import { resourceForKind, type ResourceDef } from '../kube/resources.ts';
import { NODE } from './node-lifecycle.ts';
import { POD, type PodObject } from './pod-index.ts';
import { isPodReady, podFromTemplate, templateHash, type WorkloadObject } from './workload-objects.ts';
import type { Controller, World } from './world.ts';

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

export const DEPLOYMENT = resourceForKind('apps/v1', 'Deployment');
export const STATEFULSET = resourceForKind('apps/v1', 'StatefulSet');
export const DAEMONSET = resourceForKind('apps/v1', 'DaemonSet');

interface Progress {
  hash: string;
  replicas: number;
  readyNew: number;
  since: number;
  completed: boolean;
}

const byName = (a: PodObject, b: PodObject) => (a.metadata.name < b.metadata.name ? -1 : 1);

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/** DeploymentStatus' counts are `omitempty` int32s: a zero is left out of the object, not written. */
function omitZero(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n !== 0));
}

/**
 * The deployment, statefulset and daemonset controllers: pods from templates, rolling updates
 * (maxSurge/maxUnavailable 25%), OrderedReady statefulsets, per-node daemonsets, and the status
 * and Progressing condition (with progressDeadlineSeconds) that ArgoCD's health checks read.
 */
export class WorkloadController implements Controller {
  readonly name = 'workloads';
  private readonly progress = new Map<string, Progress>();
  /** Per Deployment uid: the template hash its current revision was cut for. */
  private readonly revisions = new Map<string, { hash: string; revision: number }>();
  private readonly ownerUids = new Map<string, string>();

  constructor(
    private readonly world: World,
    private readonly controlPlaneUp: () => boolean,
  ) {}

  reconcile(): void {
    if (!this.controlPlaneUp()) return;
    for (const d of this.world.store.list<WorkloadObject>(DEPLOYMENT)) this.deployment(d);
    for (const s of this.world.store.list<WorkloadObject>(STATEFULSET)) this.statefulSet(s);
    for (const ds of this.world.store.list<WorkloadObject>(DAEMONSET)) this.daemonSet(ds);
  }

  private owned(w: WorkloadObject, ownerKind: string): PodObject[] {
    const selector = Object.entries(w.spec.selector.matchLabels);
    return this.world.pods
      .inNamespace(w.metadata.namespace as string)
      .filter((p) => p.metadata.ownerReferences?.[0]?.kind === ownerKind && selector.every(([k, v]) => p.metadata.labels?.[k] === v));
  }

  private ownerUid(name: string): string {
    let uid = this.ownerUids.get(name);
    if (!uid) {
      uid = this.world.prng.uid();
      this.ownerUids.set(name, uid);
    }
    return uid;
  }

  private create(w: WorkloadObject, ownerKind: string, ownerName: string, name: string, extraLabels: Record<string, string>, nodeName?: string): void {
    const owner = { apiVersion: 'apps/v1', kind: ownerKind, name: ownerName, uid: ownerKind === 'ReplicaSet' ? this.ownerUid(ownerName) : (w.metadata.uid as string), controller: true, blockOwnerDeletion: true };
    const pod = podFromTemplate(w.spec.template, { name, namespace: w.metadata.namespace as string, owner, extraLabels, nodeName });
    pod.metadata.creationTimestamp = this.world.creationStamp();
    this.world.store.create(POD, pod);
  }

  private terminate(pod: PodObject): void {
    this.world.store.update<PodObject>(POD, pod.metadata.namespace, pod.metadata.name, (p) => {
      p.metadata.deletionTimestamp ??= isoTime(this.world.now() + 30_000);
      p.metadata.deletionGracePeriodSeconds ??= 30;
    });
  }

  private writeStatus(def: ResourceDef, w: WorkloadObject, status: Record<string, unknown>): void {
    this.world.store.update<WorkloadObject>(def, w.metadata.namespace, w.metadata.name, (draft) => {
      draft.status = { observedGeneration: w.metadata.generation, ...status };
    });
  }

  /**
   * getNewReplicaSet: a template change (a new one, or back to an older one) makes its ReplicaSet
   * the newest revision, max(old revisions) + 1, and the Deployment's annotation follows; a scale
   * does not.
   */
  private revision(d: WorkloadObject, hash: string): void {
    const key = d.metadata.uid as string;
    const was = this.revisions.get(key);
    const revision = !was ? 1 : was.hash === hash ? was.revision : was.revision + 1;
    this.revisions.set(key, { hash, revision });
    if (d.metadata.annotations?.[REVISION_ANNOTATION] === String(revision)) return;
    this.world.store.update<WorkloadObject>(DEPLOYMENT, d.metadata.namespace, d.metadata.name, (draft) => {
      draft.metadata.annotations = { ...draft.metadata.annotations, [REVISION_ANNOTATION]: String(revision) };
    });
  }

  private deployment(d: WorkloadObject): void {
    const replicas = d.spec.replicas ?? 1;
    const hash = templateHash(d.spec.template);
    const rs = `${d.metadata.name}-${hash}`;
    this.revision(d, hash);
    const active = this.owned(d, 'ReplicaSet').filter((p) => !p.metadata.deletionTimestamp).sort(byName);
    const fresh = active.filter((p) => p.metadata.labels?.['pod-template-hash'] === hash);
    const old = active.filter((p) => !fresh.includes(p));
    const surge = Math.ceil(replicas * 0.25);
    const maxUnavailable = surge === 0 && Math.floor(replicas * 0.25) === 0 ? 1 : Math.floor(replicas * 0.25);

    const surplus = [...fresh].sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b))).slice(0, Math.max(0, fresh.length - replicas));
    surplus.forEach((p) => this.terminate(p));
    const room = old.length === 0 ? replicas : replicas + surge - active.length;
    const toCreate = Math.max(0, Math.min(replicas - fresh.length, room));
    for (let i = 0; i < toCreate; i++) {
      this.create(d, 'ReplicaSet', rs, `${rs}-${this.world.prng.podSuffix()}`, { 'pod-template-hash': hash });
    }
    if (toCreate > 0) this.world.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${rs} from ${fresh.length} to ${fresh.length + toCreate}`, 'deployment-controller');
    if (surplus.length > 0) this.world.event(d, 'Normal', 'ScalingReplicaSet', `Scaled down replica set ${rs} from ${fresh.length} to ${replicas}`, 'deployment-controller');

    let available = active.filter(isPodReady).length;
    for (const p of old) {
      if (!isPodReady(p)) this.terminate(p);
      else if (available - 1 >= replicas - maxUnavailable) {
        this.terminate(p);
        available--;
      }
    }

    const pods = this.owned(d, 'ReplicaSet').filter((p) => !p.metadata.deletionTimestamp);
    const ready = pods.filter(isPodReady).length;
    const freshNow = pods.filter((p) => p.metadata.labels?.['pod-template-hash'] === hash);
    const readyNew = freshNow.filter(isPodReady).length;
    const complete = freshNow.length === replicas && readyNew === replicas && pods.length === replicas;
    const progressing = this.progressCondition(d, hash, replicas, readyNew, complete, rs);
    const minAvailable = replicas - maxUnavailable;
    // calculateStatus: unavailable = the ReplicaSets' desired pods (all of spec.replicas, plus the
    // surge while a rollout runs) minus the available ones, never below zero.
    const wanted = Math.max(replicas, pods.length);
    this.writeStatus(DEPLOYMENT, d, {
      ...omitZero({ replicas: pods.length, updatedReplicas: freshNow.length, readyReplicas: ready, availableReplicas: ready, unavailableReplicas: Math.max(0, wanted - ready) }),
      conditions: this.conditionTimes(d, [
        ready >= minAvailable
          ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
          : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
        progressing,
      ]),
    });
  }

  /**
   * The deployment controller's condition times (deployment/util SetDeploymentCondition): a
   * condition keeps its lastTransitionTime while its status holds, and its lastUpdateTime while
   * its reason does too.
   */
  private conditionTimes(d: WorkloadObject, next: Condition[]): Condition[] {
    const before = (d.status?.conditions ?? []) as Condition[];
    const stamp = isoTime(this.world.now());
    return next.map((c) => {
      const was = before.find((b) => b.type === c.type);
      const held = was?.status === c.status;
      return { ...c, lastUpdateTime: c.lastUpdateTime ?? (held && was?.reason === c.reason ? (was?.lastUpdateTime ?? stamp) : stamp), lastTransitionTime: held ? (was?.lastTransitionTime ?? stamp) : stamp };
    });
  }

  /** Mirrors syncRolloutStatus: a completed rollout never times out until the next change. */
  private progressCondition(d: WorkloadObject, hash: string, replicas: number, readyNew: number, complete: boolean, rs: string): Condition {
    const key = d.metadata.uid as string;
    const now = this.world.now();
    let p = this.progress.get(key);
    if (!p || p.hash !== hash || p.replicas !== replicas) {
      p = { hash, replicas, readyNew, since: now, completed: false };
      this.progress.set(key, p);
    }
    if (readyNew > p.readyNew) p.since = now;
    p.readyNew = readyNew;
    if (complete) p.completed = true;
    const stamp = isoTime(p.since);
    if (p.completed) return { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rs}" has successfully progressed.`, lastUpdateTime: stamp };
    const deadline = p.since + (d.spec.progressDeadlineSeconds ?? 600) * 1000;
    if (now >= deadline) return { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rs}" has timed out progressing.`, lastUpdateTime: stamp };
    this.world.wakeAt(deadline);
    return { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rs}" is progressing.`, lastUpdateTime: stamp };
  }

  private statefulSet(s: WorkloadObject): void {
    const replicas = s.spec.replicas ?? 1;
    const revision = `${s.metadata.name}-${templateHash(s.spec.template)}`;
    const pods = this.owned(s, 'StatefulSet');
    const byOrdinal = new Map(pods.map((p) => [Number(p.metadata.name.slice(s.metadata.name.length + 1)), p]));
    for (let i = 0; i < replicas; i++) {
      if (byOrdinal.has(i)) continue;
      const lowerReady = [...Array(i).keys()].every((j) => byOrdinal.get(j) && isPodReady(byOrdinal.get(j) as PodObject));
      if (lowerReady) {
        const name = `${s.metadata.name}-${i}`;
        this.create(s, 'StatefulSet', s.metadata.name, name, { 'controller-revision-hash': revision, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(i) });
        this.world.event(s, 'Normal', 'SuccessfulCreate', `create Pod ${name} in StatefulSet ${s.metadata.name} successful`, 'statefulset-controller');
      }
      break;
    }
    const live = pods.filter((p) => !p.metadata.deletionTimestamp);
    const highestFirst = [...live].sort((a, b) => byName(b, a));
    const extra = highestFirst.find((p) => Number(p.metadata.name.slice(s.metadata.name.length + 1)) >= replicas);
    const outdated = highestFirst.find((p) => p.metadata.labels?.['controller-revision-hash'] !== revision);
    if (extra) this.terminate(extra);
    else if (outdated && live.length === replicas && live.every(isPodReady)) this.terminate(outdated);
    const ready = live.filter(isPodReady).length;
    const updated = live.filter((p) => p.metadata.labels?.['controller-revision-hash'] === revision).length;
    this.writeStatus(STATEFULSET, s, {
      replicas: live.length,
      readyReplicas: ready,
      availableReplicas: ready,
      currentReplicas: updated,
      updatedReplicas: updated,
      currentRevision: revision,
      updateRevision: revision,
      collisionCount: 0,
    });
  }

  private daemonSet(ds: WorkloadObject): void {
    const revision = templateHash(ds.spec.template);
    const nodes = this.world.store.list(NODE).filter((n) => n.metadata.labels?.['node.longhorn.io/create-default-disk'] === 'true');
    const pods = this.owned(ds, 'DaemonSet');
    let unavailable = 0;
    for (const node of nodes) {
      const onNode = pods.filter((p) => p.spec.nodeName === node.metadata.name);
      if (onNode.length === 0) {
        const name = `${ds.metadata.name}-${this.world.prng.podSuffix()}`;
        this.create(ds, 'DaemonSet', ds.metadata.name, name, { 'controller-revision-hash': revision, 'pod-template-generation': String(ds.metadata.generation ?? 1) }, node.metadata.name);
        this.world.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${name}`, 'daemonset-controller');
      }
      if (!onNode.some(isPodReady)) unavailable++;
    }
    const outdated = pods.find((p) => !p.metadata.deletionTimestamp && p.metadata.labels?.['controller-revision-hash'] !== revision);
    if (outdated && unavailable === 0) this.terminate(outdated);
    const live = pods.filter((p) => !p.metadata.deletionTimestamp);
    const ready = live.filter(isPodReady).length;
    this.writeStatus(DAEMONSET, ds, {
      desiredNumberScheduled: nodes.length,
      currentNumberScheduled: live.length,
      numberReady: ready,
      numberAvailable: ready,
      ...(nodes.length - ready > 0 ? { numberUnavailable: nodes.length - ready } : {}),
      updatedNumberScheduled: live.filter((p) => p.metadata.labels?.['controller-revision-hash'] === revision).length,
      numberMisscheduled: 0,
    });
  }
}
