import { isoTime, type KubeObject } from '../kube/kube-object.ts';
import { resourceForKind, type ResourceDef } from '../kube/resources.ts';
import { type Health, workloadHealth, worst } from './argo-health.ts';
import { applyOnto, applyProblem, inSync, tracked } from './argocd-apply.ts';
import { comparisonError, loadManifests, type AppSource, type DesiredObject, type Manifests } from './argocd-manifests.ts';
import { repoReadProblem } from './argocd-repo-creds.ts';
import { deleteWithDependents } from './cascade-delete.ts';
import type { Gitea, Repo } from './gitea.ts';
import type { WorkloadObject } from './workload-objects.ts';
import type { World } from './world.ts';

const NAMESPACE = resourceForKind('v1', 'Namespace');
const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';
const SYNC_DURATION_MS = 1000;
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

type ApplicationObject = KubeObject & {
  spec: {
    source?: AppSource;
    destination?: { server?: string; namespace?: string };
    syncPolicy?: { automated?: { prune?: boolean; selfHeal?: boolean }; syncOptions?: string[] };
  };
};

interface Managed {
  def: ResourceDef;
  namespace?: string;
  name: string;
}

interface ResultRow {
  key: string;
  version: string;
  status: 'Synced' | 'SyncFailed' | 'Pruned';
  message: string;
}

interface Operation {
  phase: 'Running' | 'Succeeded' | 'Failed';
  message: string;
  startedAt: number;
  finishedAt?: number;
  revision: string;
  results: ResultRow[];
}

interface DynamicState {
  uid: string;
  /** The Application asked for a cascading delete (its resources finalizer) when last seen. */
  cascade: boolean;
  spec: string;
  comparison?: Manifests;
  refreshAt?: number;
  syncedRevision?: string;
  /** Auto-sync does not retry a revision whose sync failed (no retry policy in the lab). */
  failedRevision?: string;
  driftSince?: number;
  operation?: Operation;
  history: { id: number; revision: string; deployedAt: number }[];
  /** What this app applied, by resource key: prune and cascading delete remove exactly these. */
  managed: Map<string, Managed>;
}

interface Row {
  key: string;
  def?: ResourceDef;
  obj: KubeObject;
  live?: KubeObject;
  synced: boolean;
  health: Health;
  requiresPruning?: boolean;
}

/**
 * ArgoCD's application controller for Applications that are not in the lab's app-of-apps (the
 * ones a gate or an operator creates): their manifests come from any Gitea repo (a plain
 * directory source), are applied into the destination namespace with automated sync, prune and
 * selfHeal as their syncPolicy says, and are deleted with the Application when it carries the
 * resources finalizer. Refreshes come from Gitea's webhook (`argocdRefresh` after a push), the
 * refresh annotation, a spec change, or Gitea coming back.
 */
export class DynamicApps {
  private readonly states = new Map<string, DynamicState>();

  constructor(
    private readonly world: World,
    private readonly gitea: Gitea,
    private readonly application: ResourceDef,
    private readonly isTopologyApp: (name: string) => boolean,
  ) {}

  /** Gitea's webhook: apps whose source is the pushed (or deleted) repo refresh shortly. */
  onPush(repo: Repo): void {
    const fullName = `${repo.owner}/${repo.name}`.toLowerCase();
    for (const app of this.apps()) {
      const m = /\/([^/]+\/[^/]+?)(?:\.git)?\/?$/.exec(app.spec.source?.repoURL ?? '');
      const s = this.states.get(app.metadata.name);
      if (s && m?.[1]?.toLowerCase() === fullName) s.refreshAt ??= this.world.now() + this.world.topology.timings.argocdRefresh;
    }
  }

  reconcile(giteaReachable: boolean): void {
    const apps = this.apps();
    for (const [name, s] of this.states) {
      if (!apps.some((a) => a.metadata.name === name && a.metadata.uid === s.uid)) this.forget(name, s);
    }
    for (const app of apps) this.reconcileApp(app, giteaReachable);
  }

  private apps(): ApplicationObject[] {
    return this.world.store.list<ApplicationObject>(this.application, 'argocd').filter((a) => !this.isTopologyApp(a.metadata.name));
  }

  /** The Application is gone: with its finalizer, ArgoCD deletes what it deployed first. */
  private forget(name: string, s: DynamicState): void {
    this.states.delete(name);
    if (!s.cascade) return;
    for (const m of s.managed.values()) deleteWithDependents(this.world, m.def, m.namespace, m.name);
  }

  private state(app: ApplicationObject): DynamicState {
    let s = this.states.get(app.metadata.name);
    if (!s) {
      s = { uid: app.metadata.uid as string, cascade: false, spec: '', history: [], managed: new Map() };
      this.states.set(app.metadata.name, s);
    }
    s.cascade = (app.metadata.finalizers ?? []).includes(RESOURCES_FINALIZER);
    return s;
  }

  private reconcileApp(app: ApplicationObject, giteaReachable: boolean): void {
    const now = this.world.now();
    const s = this.state(app);
    const spec = JSON.stringify([app.spec.source, app.spec.destination]);
    if (spec !== s.spec || app.metadata.annotations?.['argocd.argoproj.io/refresh']) {
      s.spec = spec;
      s.comparison = undefined;
      s.failedRevision = undefined;
    }
    if (s.refreshAt !== undefined) {
      if (now >= s.refreshAt) {
        s.comparison = undefined;
        s.refreshAt = undefined;
      } else this.world.wakeAt(s.refreshAt);
    }
    if (!giteaReachable) {
      // Re-read the repo as soon as Gitea answers again.
      s.comparison = undefined;
      return this.writeStatus(app, s, this.managedRows(s), { error: connectionRefused(app.spec.source?.repoURL ?? '') });
    }
    const denied = repoReadProblem(this.world, this.gitea, app.spec.source?.repoURL ?? '');
    if (denied) {
      s.comparison = undefined;
      return this.writeStatus(app, s, this.managedRows(s), comparisonError('Unknown', `failed to list refs: ${denied}`));
    }
    s.comparison ??= loadManifests(this.gitea, app.spec.source ?? { repoURL: '' }, this.destination(app));
    const comparison = s.comparison;
    if ('error' in comparison) return this.writeStatus(app, s, this.managedRows(s), comparison);

    const rows = this.rows(s, comparison.objects);
    const drifted = rows.some((r) => !r.synced);
    const automated = app.spec.syncPolicy?.automated;
    const revision = comparison.revision.sha;
    if (!drifted) {
      s.syncedRevision = revision;
      s.driftSince = undefined;
      // The drift went away by itself before the sync was due: nothing left to run.
      if (s.operation?.phase === 'Running') s.operation = { ...s.operation, phase: 'Succeeded', message: 'successfully synced (all tasks run)', finishedAt: now };
    } else if (automated) {
      const newRevision = revision !== s.syncedRevision;
      // "Skipping auto-sync: need to prune extra resources only but automated prune is disabled"
      const onlyPrune = rows.every((r) => r.synced || r.requiresPruning) && !automated.prune;
      if (s.failedRevision !== revision && !onlyPrune && (newRevision || automated.selfHeal)) {
        s.driftSince ??= now;
        const due = s.driftSince + (newRevision ? SYNC_DURATION_MS : this.world.topology.timings.argocdSelfHeal);
        if (now >= due) {
          this.sync(app, s, comparison.objects, revision);
          return this.writeStatus(app, s, this.rows(s, comparison.objects), comparison);
        }
        s.operation = { phase: 'Running', message: 'one or more tasks are running', startedAt: s.driftSince, revision, results: [] };
        this.world.wakeAt(due);
      }
    }
    this.writeStatus(app, s, rows, comparison);
  }

  private destination(app: ApplicationObject): string {
    return app.spec.destination?.namespace ?? 'default';
  }

  private live(m: { def?: ResourceDef; namespace?: string; name: string }): KubeObject | undefined {
    return m.def ? this.world.store.get(m.def, m.namespace, m.name) : undefined;
  }

  private rows(s: DynamicState, objects: DesiredObject[]): Row[] {
    const rows: Row[] = objects.map((d) => {
      const live = this.live({ def: d.def, namespace: d.obj.metadata.namespace, name: d.obj.metadata.name });
      return { key: d.key, def: d.def, obj: d.obj, live, synced: inSync(d.obj, live), health: health(d.obj.kind, live) };
    });
    const wanted = new Set(objects.map((d) => d.key));
    for (const [key, m] of s.managed) {
      const live = this.live(m);
      if (!wanted.has(key) && live) rows.push({ key, def: m.def, obj: live, live, synced: false, health: health(live.kind, live), requiresPruning: true });
    }
    return rows;
  }

  /** While the desired state cannot be loaded, ArgoCD still shows the live resources it tracks. */
  private managedRows(s: DynamicState): Row[] {
    return [...s.managed].flatMap(([key, m]) => {
      const live = this.live(m);
      return live ? [{ key, def: m.def, obj: live, live, synced: true, health: health(live.kind, live) }] : [];
    });
  }

  private sync(app: ApplicationObject, s: DynamicState, objects: DesiredObject[], revision: string): void {
    const now = this.world.now();
    const startedAt = s.driftSince ?? now;
    s.driftSince = undefined;
    const results: ResultRow[] = [];
    const problems: ResultRow[] = objects.flatMap((d) => {
      const problem = applyProblem(d);
      return problem ? [{ key: d.key, version: d.obj.apiVersion.split('/').pop() as string, status: 'SyncFailed' as const, message: problem }] : [];
    });
    const namespaceProblem = problems.length === 0 ? this.ensureNamespace(app) : null;
    if (namespaceProblem) problems.push({ key: `/Namespace//${this.destination(app)}`, version: 'v1', status: 'SyncFailed', message: namespaceProblem });
    if (problems.length > 0) {
      s.failedRevision = revision;
      s.operation = { phase: 'Failed', message: `one or more objects failed to apply, reason: ${problems.map((p) => p.message).join(', ')}`, startedAt, finishedAt: now, revision, results: problems };
      this.world.event(app, 'Warning', 'OperationCompleted', `Sync operation to ${revision} failed: ${s.operation.message}`, 'argocd-application-controller');
      return;
    }
    for (const d of objects) {
      const def = d.def as ResourceDef;
      const { namespace, name } = d.obj.metadata;
      const live = this.world.store.get(def, namespace, name);
      const noun = `${d.obj.kind.toLowerCase()}${def.group ? `.${def.group}` : ''}/${name}`;
      if (!live) this.world.store.create(def, tracked(d, app.metadata.name));
      else if (!inSync(d.obj, live)) this.world.store.update(def, namespace, name, (o) => applyOnto(o, tracked(d, app.metadata.name)));
      results.push({ key: d.key, version: def.version, status: 'Synced', message: `${noun} ${!live ? 'created' : inSync(d.obj, live) ? 'unchanged' : 'configured'}` });
      s.managed.set(d.key, { def, namespace, name });
    }
    if (app.spec.syncPolicy?.automated?.prune) {
      const wanted = new Set(objects.map((d) => d.key));
      for (const [key, m] of s.managed) {
        if (wanted.has(key)) continue;
        deleteWithDependents(this.world, m.def, m.namespace, m.name);
        s.managed.delete(key);
        results.push({ key, version: m.def.version, status: 'Pruned', message: 'pruned' });
      }
    }
    s.syncedRevision = revision;
    s.failedRevision = undefined;
    s.operation = { phase: 'Succeeded', message: 'successfully synced (all tasks run)', startedAt, finishedAt: now, revision, results };
    s.history.push({ id: s.history.length, revision, deployedAt: now });
    if (s.history.length > 10) s.history.shift();
    this.world.event(app, 'Normal', 'OperationCompleted', `Sync operation to ${revision} succeeded`, 'argocd-application-controller');
  }

  /** CreateNamespace=true creates the destination namespace; without it, it must exist. */
  private ensureNamespace(app: ApplicationObject): string | null {
    const namespace = this.destination(app);
    if (this.world.store.get(NAMESPACE, undefined, namespace)) return null;
    if (!(app.spec.syncPolicy?.syncOptions ?? []).includes('CreateNamespace=true')) return `namespaces "${namespace}" not found`;
    this.world.store.create(NAMESPACE, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'kubernetes.io/metadata.name': namespace } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    return null;
  }

  private writeStatus(app: ApplicationObject, s: DynamicState, rows: Row[], comparison: Manifests): void {
    const source = app.spec.source ?? {};
    const destination = { server: app.spec.destination?.server ?? 'https://kubernetes.default.svc', namespace: this.destination(app) };
    const failed = 'error' in comparison;
    const revision = failed ? (s.syncedRevision ?? '') : comparison.revision.sha;
    const health = worst(rows.filter((r) => !r.requiresPruning).map((r) => r.health));
    const conditions = [
      ...(failed ? [{ type: 'ComparisonError', message: comparison.error, lastTransitionTime: isoTime(this.world.now()) }] : []),
      ...(s.operation?.phase === 'Failed' && s.failedRevision === revision ? [{ type: 'SyncError', message: s.operation.message, lastTransitionTime: isoTime(s.operation.finishedAt ?? this.world.now()) }] : []),
    ];
    this.world.store.update(this.application, 'argocd', app.metadata.name, (a) => {
      if (a.metadata.annotations?.['argocd.argoproj.io/refresh']) delete a.metadata.annotations['argocd.argoproj.io/refresh'];
      const previous = a.status as { reconciledAt?: string; conditions?: { type: string; lastTransitionTime: string }[] } | undefined;
      // A condition keeps the time it first appeared, as ArgoCD's condition list does.
      for (const c of conditions) c.lastTransitionTime = previous?.conditions?.find((p) => p.type === c.type)?.lastTransitionTime ?? c.lastTransitionTime;
      a.status = {
        sync: { status: failed ? 'Unknown' : rows.every((r) => r.synced) ? 'Synced' : 'OutOfSync', revision, comparedTo: { source, destination } },
        health,
        resources: rows.map((r) => resourceStatus(r, failed)),
        ...(s.operation ? { operationState: operationState(s.operation, source) } : {}),
        history: s.history.map((h) => ({ id: h.id, revision: h.revision, deployedAt: isoTime(h.deployedAt), source })),
        reconciledAt: previous?.reconciledAt,
        sourceType: 'Directory',
        summary: { images: [...new Set(rows.flatMap((r) => images(r.obj)))] },
        ...(conditions.length ? { conditions } : {}),
      };
      if (JSON.stringify(a.status) !== JSON.stringify(previous)) (a.status as { reconciledAt: string }).reconciledAt = isoTime(this.world.now());
    });
  }
}

function health(kind: string, live: KubeObject | undefined): Health {
  if (WORKLOAD_KINDS.has(kind)) return workloadHealth(live as WorkloadObject | undefined);
  return { status: live ? 'Healthy' : 'Missing' };
}

function resourceStatus(r: Row, comparisonFailed: boolean): object {
  const [group = '', kind = '', namespace = '', name = ''] = r.key.split('/');
  const hasHealthCheck = WORKLOAD_KINDS.has(kind) || !r.live;
  return {
    group,
    version: r.def ? r.def.version : (r.obj.apiVersion.split('/').pop() as string),
    kind,
    ...(namespace ? { namespace } : {}),
    name,
    status: comparisonFailed ? 'Unknown' : r.synced ? 'Synced' : 'OutOfSync',
    ...(hasHealthCheck ? { health: r.health } : {}),
    ...(r.requiresPruning ? { requiresPruning: true } : {}),
  };
}

function operationState(op: Operation, source: AppSource | Record<string, never>): object {
  return {
    phase: op.phase,
    message: op.message,
    startedAt: isoTime(op.startedAt),
    ...(op.finishedAt ? { finishedAt: isoTime(op.finishedAt) } : {}),
    operation: { sync: { revision: op.revision }, initiatedBy: { automated: true }, retry: {} },
    syncResult: {
      revision: op.revision,
      source,
      resources: op.results.map((r) => {
        const [group = '', kind = '', namespace = '', name = ''] = r.key.split('/');
        return { group, version: r.version, kind, namespace, name, status: r.status, message: r.message, hookPhase: r.status === 'SyncFailed' ? 'Failed' : 'Running', syncPhase: 'Sync' };
      }),
    },
  };
}

function images(obj: KubeObject): string[] {
  const containers = (obj.spec as { template?: { spec?: { containers?: { image?: string }[] } } } | undefined)?.template?.spec?.containers ?? [];
  return containers.flatMap((c) => (c.image ? [c.image] : []));
}

function connectionRefused(repoURL: string): string {
  return `Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = failed to list refs: Get "${repoURL}/info/refs?service=git-upload-pack": dial tcp: connect: connection refused`;
}
