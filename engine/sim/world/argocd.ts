import { isoTime, type KubeObject } from '../kube/kube-object.ts';
import { resourceForKind, type ResourceDef } from '../kube/resources.ts';
import type { ArgoSpec, WorkloadSpec } from '../topology/topology-types.ts';
import { type Health, workloadHealth, worst } from './argo-health.ts';
import { DynamicApps } from './argocd-dynamic.ts';
import { comparisonError, manifestsAt } from './argocd-manifests.ts';
import { repoReadProblem } from './argocd-repo-creds.ts';
import type { Commit, Gitea } from './gitea.ts';
import { appPath, configMap, withTrackingId } from './gitops-tree.ts';
import type { Kubelet } from './kubelet.ts';
import { DAEMONSET, DEPLOYMENT, STATEFULSET } from './workload-controller.ts';
import { workloadObject, type WorkloadObject } from './workload-objects.ts';
import type { Controller, World } from './world.ts';
import { mainContainerIndex } from './chart-pod-templates.ts';

export const APPLICATION = resourceForKind('argoproj.io/v1alpha1', 'Application');
const CONFIGMAP = resourceForKind('v1', 'ConfigMap');
const KINDS: Record<string, ResourceDef> = { Deployment: DEPLOYMENT, StatefulSet: STATEFULSET, DaemonSet: DAEMONSET };
const SYNC_DURATION_MS = 1000;
type AppSpec = ArgoSpec['apps'][number];

interface AppState {
  observed?: Commit;
  synced?: Commit;
  refreshAt?: number;
  driftSince?: number;
  operation?: { phase: string; message: string; startedAt: number; finishedAt?: number; revision: string };
  history: { id: number; revision: string; deployedAt: number }[];
}

export interface DesiredResource {
  kind: string;
  name: string;
  workload?: WorkloadSpec;
  image?: string;
  /** A ConfigMap as the commit has it. */
  manifest?: KubeObject;
}

/**
 * The ArgoCD application controller. For the lab-apps app-of-apps it follows the gitops repo in
 * Gitea (webhook refresh), auto-syncs with prune and selfHeal as each Application's live
 * syncPolicy says, ignores /spec/replicas drift (the recovery runbook scales the ERP by hand),
 * and reports sync and health per app; lab-apps rolls up its children's health. Any other
 * Application in `argocd` is reconciled from its own repo by DynamicApps.
 */
export class ArgoCd implements Controller {
  readonly name = 'argocd';
  private readonly states = new Map<string, AppState>();
  private readonly dynamic: DynamicApps;
  /** Parsed manifests by `<commit>/<app>`: a commit never changes, and settle passes are many. */
  private readonly desiredAt = new Map<string, DesiredResource[]>();

  constructor(
    private readonly world: World,
    private readonly gitea: Gitea,
    private readonly kubelet: Kubelet,
    private readonly controlPlaneUp: () => boolean,
  ) {
    this.dynamic = new DynamicApps(world, gitea, APPLICATION, (name) => name === this.spec.root || this.spec.apps.some((a) => a.name === name));
    gitea.onPush((repo) => {
      this.dynamic.onPush(repo);
      if (`${repo.owner}/${repo.name}` !== this.spec.repo) return;
      for (const s of this.states.values()) s.refreshAt ??= world.now() + world.topology.timings.argocdRefresh;
    });
  }

  private get spec(): ArgoSpec {
    return this.world.topology.argocd;
  }

  state(app: string): AppState {
    let s = this.states.get(app);
    if (!s) {
      s = { history: [] };
      this.states.set(app, s);
    }
    return s;
  }

  /**
   * What the app's directory at `commit` asks for: each topology workload with the image its
   * manifest names, and the ConfigMaps it still has. A broken commit (the bad-sync drill) names an
   * image that does not exist and lacks the ConfigMaps. Without a commit (Gitea never reached):
   * the lab as built. Manifests that do not parse are not modelled for these apps: as built.
   */
  desired(app: AppSpec, commit: Commit | undefined): DesiredResource[] {
    const asBuilt = (): DesiredResource[] => [
      ...app.workloads.map((name) => {
        const w = this.workloadSpec(app, name);
        return { kind: w.kind, name, workload: w, image: w.image };
      }),
      ...app.configMaps.map((name) => ({ kind: 'ConfigMap', name, manifest: configMap(app, name) })),
    ];
    if (!commit) return asBuilt();
    const key = `${commit.sha}/${app.name}`;
    const cached = this.desiredAt.get(key);
    if (cached) return cached;
    const loaded = manifestsAt(commit, appPath(app.name), false, app.namespace);
    const objects = 'error' in loaded ? undefined : loaded.objects.map((o) => o.obj);
    const desired = !objects
      ? asBuilt()
      : [
          ...app.workloads.flatMap((name) => {
            const w = this.workloadSpec(app, name);
            const obj = objects.find((o) => o.kind === w.kind && o.metadata.name === name) as WorkloadObject | undefined;
            return obj ? [{ kind: w.kind, name, workload: w, image: obj.spec?.template?.spec?.containers?.[mainContainerIndex(obj.spec?.template ?? {})]?.image ?? w.image }] : [];
          }),
          ...app.configMaps.flatMap((name) => {
            const manifest = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
            return manifest ? [{ kind: 'ConfigMap', name, manifest }] : [];
          }),
        ];
    this.desiredAt.set(key, desired);
    return desired;
  }

  private workloadSpec(app: AppSpec, name: string): WorkloadSpec {
    return this.world.topology.workloads.find((x) => x.namespace === app.namespace && x.name === name) as WorkloadSpec;
  }

  reconcile(): void {
    if (!this.controlPlaneUp() || !this.kubelet.runningInstance('argocd', 'argocd-application-controller')) return;
    const reachable = this.gitea.isUp();
    const repoURL = this.source('').repoURL;
    // The repo-server's ls-remote: Gitea down, or its answer to Argo CD's repository credentials.
    const denied = reachable ? repoReadProblem(this.world, this.gitea, repoURL) : `Get "${repoURL}/info/refs?service=git-upload-pack": dial tcp: connect: connection refused`;
    const head = denied ? undefined : this.gitea.resolve(this.gitea.gitopsRepo(), this.spec.targetRevision);
    const repoError = denied ? `failed to list refs: ${denied}` : head ? undefined : `Unable to resolve '${this.spec.targetRevision}' to a commit SHA`;
    const children: Health[] = [];
    for (const app of this.spec.apps) children.push(this.reconcileApp(app, head, repoError));
    this.writeRoot(worst(children), head);
    this.dynamic.reconcile(reachable);
  }

  private reconcileApp(app: AppSpec, head: Commit | undefined, repoError: string | undefined): Health {
    const now = this.world.now();
    const s = this.state(app.name);
    const live = this.world.store.get(APPLICATION, 'argocd', app.name);
    if (!live) return { status: 'Missing' };
    const annotations = live.metadata.annotations ?? {};
    if (annotations['argocd.argoproj.io/refresh']) s.refreshAt = now;
    if (head && head.sha !== s.observed?.sha) {
      s.refreshAt ??= now + this.world.topology.timings.argocdRefresh;
    }
    if (head && s.refreshAt !== undefined) {
      if (now >= s.refreshAt) {
        s.observed = head;
        s.refreshAt = undefined;
      } else {
        this.world.wakeAt(s.refreshAt);
      }
    }
    s.observed ??= head;
    const desired = this.desired(app, s.observed);
    const drifted = desired.some((d) => !this.inSync(app, d));
    const automated = (live.spec as { syncPolicy?: { automated?: { prune?: boolean; selfHeal?: boolean } } }).syncPolicy?.automated;
    if (!drifted) {
      s.synced = s.observed;
      s.driftSince = undefined;
    } else if (automated && s.observed) {
      // A new revision is auto-synced at once; drift at the synced revision only with selfHeal.
      const newRevision = s.observed.sha !== s.synced?.sha;
      s.driftSince ??= now;
      const due = s.driftSince + (newRevision ? SYNC_DURATION_MS : this.world.topology.timings.argocdSelfHeal);
      if (newRevision || automated.selfHeal) {
        if (now >= due) this.sync(app, s, desired, !!automated.prune);
        else {
          s.operation = { phase: 'Running', message: 'one or more tasks are running', startedAt: s.driftSince, revision: s.observed.sha };
          this.world.wakeAt(due);
        }
      }
    }
    const resources = this.desired(app, s.observed).map((d) => ({ ...d, synced: this.inSync(app, d), health: this.health(app, d) }));
    const health = worst(resources.map((r) => r.health));
    this.writeApp(app, s, resources, health, repoError);
    return health;
  }

  private liveObject(app: AppSpec, d: DesiredResource): KubeObject | undefined {
    return this.world.store.get(KINDS[d.kind] ?? CONFIGMAP, app.namespace, d.name);
  }

  private inSync(app: AppSpec, d: DesiredResource): boolean {
    const live = this.liveObject(app, d) as WorkloadObject | undefined;
    if (!live) return false;
    return !d.image || live.spec.template.spec.containers[mainContainerIndex(live.spec.template)]?.image === d.image;
  }

  private health(app: AppSpec, d: DesiredResource): Health {
    const live = this.liveObject(app, d);
    if (d.kind === 'ConfigMap') return { status: live ? 'Healthy' : 'Missing' };
    return workloadHealth(live as WorkloadObject | undefined);
  }

  private sync(app: AppSpec, s: AppState, desired: DesiredResource[], prune: boolean): void {
    const { store } = this.world;
    for (const d of desired) {
      const def = KINDS[d.kind];
      if (def && d.workload) {
        if (!store.get(def, app.namespace, d.name)) {
          const claim = this.world.topology.longhorn.volumes.find((v) => v.name === d.workload?.needs.volume)?.pvc.name;
          store.create(def, workloadObject(d.workload, claim, isoTime(this.world.now()), this.world.topology.timings.progressDeadline));
        }
        store.update<WorkloadObject>(def, app.namespace, d.name, (w) => {
          const container = w.spec.template.spec.containers[mainContainerIndex(w.spec.template)];
          if (container && d.image) container.image = d.image;
        });
      } else if (d.manifest && !store.get(CONFIGMAP, app.namespace, d.name)) {
        store.create(CONFIGMAP, withTrackingId(app.name, { ...d.manifest, metadata: { ...d.manifest.metadata, namespace: app.namespace } }));
      }
    }
    if (prune) {
      for (const name of app.configMaps) {
        if (!desired.some((d) => d.kind === 'ConfigMap' && d.name === name) && store.get(CONFIGMAP, app.namespace, name)) {
          store.remove(CONFIGMAP, app.namespace, name);
        }
      }
    }
    const revision = s.observed?.sha ?? '';
    s.synced = s.observed;
    s.driftSince = undefined;
    s.operation = { phase: 'Succeeded', message: 'successfully synced (all tasks run)', startedAt: s.operation?.startedAt ?? this.world.now(), finishedAt: this.world.now(), revision };
    s.history.push({ id: s.history.length, revision, deployedAt: this.world.now() });
    if (s.history.length > 10) s.history.shift();
    const live = store.get(APPLICATION, 'argocd', app.name);
    if (live) this.world.event(live, 'Normal', 'OperationCompleted', `Sync operation to ${revision} succeeded`, 'argocd-application-controller');
  }

  private source(path: string) {
    return { repoURL: `https://gitea.${this.world.topology.cluster.dnsZone}/${this.spec.repo}.git`, path, targetRevision: this.spec.targetRevision };
  }

  private writeApp(app: AppSpec, s: AppState, resources: (DesiredResource & { synced: boolean; health: Health })[], health: Health, repoError: string | undefined): void {
    const synced = resources.every((r) => r.synced);
    const stamp = (ms: number) => isoTime(ms);
    this.world.store.update(APPLICATION, 'argocd', app.name, (a) => {
      if (a.metadata.annotations?.['argocd.argoproj.io/refresh']) delete a.metadata.annotations['argocd.argoproj.io/refresh'];
      const previous = a.status as { reconciledAt?: string } | undefined;
      a.status = {
        sync: { status: repoError ? 'Unknown' : synced ? 'Synced' : 'OutOfSync', revision: s.observed?.sha ?? '', comparedTo: { source: this.source(`apps/${app.name}`), destination: { server: 'https://kubernetes.default.svc', namespace: app.namespace } } },
        health,
        resources: resources.map((r) => ({
          group: r.kind === 'ConfigMap' ? '' : 'apps',
          version: 'v1',
          kind: r.kind,
          namespace: app.namespace,
          name: r.name,
          status: r.synced ? 'Synced' : 'OutOfSync',
          ...(r.kind === 'ConfigMap' && r.health.status === 'Healthy' ? {} : { health: r.health }),
        })),
        ...(s.operation ? { operationState: { phase: s.operation.phase, message: s.operation.message, startedAt: stamp(s.operation.startedAt), ...(s.operation.finishedAt ? { finishedAt: stamp(s.operation.finishedAt) } : {}), operation: { sync: { revision: s.operation.revision }, initiatedBy: { automated: true } }, syncResult: { revision: s.operation.revision, source: this.source(`apps/${app.name}`) } } } : {}),
        history: s.history.map((h) => ({ id: h.id, revision: h.revision, deployedAt: stamp(h.deployedAt), source: this.source(`apps/${app.name}`) })),
        reconciledAt: previous?.reconciledAt,
        sourceType: 'Directory',
        summary: { images: resources.flatMap((r) => (r.image ? [r.image] : [])) },
        ...(repoError ? { conditions: [{ type: 'ComparisonError', message: comparisonError('Unknown', repoError).error }] } : {}),
      };
      // Like the controller's status patch: reconciledAt only moves when something else did.
      if (JSON.stringify(a.status) !== JSON.stringify(previous)) (a.status as { reconciledAt: string }).reconciledAt = stamp(this.world.now());
    });
  }

  private writeRoot(health: Health, head: Commit | undefined): void {
    const rootName = this.spec.root;
    this.world.store.update(APPLICATION, 'argocd', rootName, (a) => {
      a.status = {
        sync: { status: head ? 'Synced' : 'Unknown', revision: this.state(rootName).observed?.sha ?? head?.sha ?? '', comparedTo: { source: this.source('apps'), destination: { server: 'https://kubernetes.default.svc', namespace: 'argocd' } } },
        health,
        resources: this.spec.apps.map((app) => ({ group: 'argoproj.io', version: 'v1alpha1', kind: 'Application', namespace: 'argocd', name: app.name, status: 'Synced', health: (this.world.store.get(APPLICATION, 'argocd', app.name)?.status as { health?: Health } | undefined)?.health ?? { status: 'Missing' } })),
        sourceType: 'Directory',
      };
    });
    if (head) this.state(rootName).observed = head;
  }
}
