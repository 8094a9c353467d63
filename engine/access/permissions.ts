/**
 * The one table of what lab-tui asks of the Kubernetes API: `sandbox init` generates the
 * ServiceAccount's roles from it, `doctor` asks a SelfSubjectAccessReview for each entry, the
 * dashboard names the entry a refused watch needs, and test/access checks every adapter call
 * site against it (`calls`), so a new call without its permission fails a test.
 */

export type Feature = 'guard' | 'dashboard' | 'probes' | 'runbooks' | 'drills' | 'gates';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'patch' | 'delete';

export interface Permission {
  feature: Feature;
  verbs: Verb[];
  /** '' for the core group. */
  group: string;
  /** The plural, `deployments/scale` for a subresource. */
  resource: string;
  /** Undefined: cluster-wide (a cluster-scoped resource, or every namespace). */
  namespace?: string;
  /** Only these objects (RBAC resourceNames). */
  names?: string[];
  why: string;
  /** The adapter call sites this entry covers: `file: method` (test/access/call-sites.test.ts). */
  calls: string[];
}

/** What the table depends on in this lab: where the marker is, what the runbooks scale, the canary's names. */
export interface AccessInputs {
  markerNamespace: string;
  /** Namespaces of the Deployments the runbooks' k8s.scale / k8s.rollout-restart steps name. */
  runbookNamespaces: string[];
  /** The app namespace the canary gate deploys into and the kinds it deploys there. */
  canary: { namespace: string; deployed: { group: string; resource: string }[] };
}

export const LONGHORN_NAMESPACE = 'longhorn-system';
export const ARGOCD_NAMESPACE = 'argocd';
export const VSO_NAMESPACE = 'vault-secrets-operator';

const watch = (feature: Feature, group: string, resource: string, why: string, calls: string[]): Permission => ({ feature, verbs: ['list', 'watch'], group, resource, why, calls });
const WATCHES = 'engine/health/kube-watches.ts';
const SOURCE = 'engine/health/kube-source.ts: informer';

/** The dashboard's list+watch caches, one per watch key (engine/health/kube-watches.ts). */
export const DASHBOARD_WATCHES = {
  nodes: watch('dashboard', '', 'nodes', 'node readiness, kubelet versions, the nodes pane', [`${WATCHES}: core.listNode`, SOURCE]),
  pods: watch('dashboard', '', 'pods', 'pods per node, crash loops, pending pods', [`${WATCHES}: listJson`, SOURCE]),
  events: watch('dashboard', '', 'events', 'the event log and what changed', [`${WATCHES}: core.listEventForAllNamespaces`, SOURCE]),
  deployments: watch('dashboard', 'apps', 'deployments', 'workload readiness (deployment.ready probes read it)', [`${WATCHES}: apps.listDeploymentForAllNamespaces`, SOURCE]),
  volumes: watch('dashboard', 'longhorn.io', 'volumes', 'Longhorn volume robustness', [`${WATCHES}: custom.listClusterCustomObject`, SOURCE]),
  replicas: watch('dashboard', 'longhorn.io', 'replicas', 'Longhorn replicas per node', [`${WATCHES}: custom.listClusterCustomObject`, SOURCE]),
  orphans: watch('dashboard', 'longhorn.io', 'orphans', 'orphaned replica data after an engine-ID loss', [`${WATCHES}: custom.listClusterCustomObject`, SOURCE]),
  apps: watch('dashboard', 'argoproj.io', 'applications', 'Argo CD sync and health', [`${WATCHES}: custom.listClusterCustomObject`, SOURCE]),
  dynamicSecrets: watch('dashboard', 'secrets.hashicorp.com', 'vaultdynamicsecrets', 'VSO dynamic secrets (database credentials)', [`${WATCHES}: custom.listClusterCustomObject`, SOURCE]),
  staticSecrets: watch('dashboard', 'secrets.hashicorp.com', 'vaultstaticsecrets', 'VSO static secrets', [`${WATCHES}: custom.listClusterCustomObject`, SOURCE]),
} satisfies Record<string, Permission>;

export type DashboardWatch = keyof typeof DASHBOARD_WATCHES;

/** What the certificate probe lists (engine/health/stepca-probe.ts). */
export const PROBE_READS: Permission[] = [
  { feature: 'probes', verbs: ['list'], group: 'networking.k8s.io', resource: 'ingresses', why: 'the Ingress hosts whose served certificates are checked', calls: ['engine/health/stepca-probe.ts: listJson'] },
  { feature: 'probes', verbs: ['list'], group: '', resource: 'secrets', why: 'kubernetes.io/tls Secrets: certificate expiry (only tls.crt is read)', calls: ['engine/health/stepca-probe.ts: listJson'] },
];

const PARITY = 'engine/gates/parity.ts';
const RECREATE = 'engine/drills/longhorn-recreate.ts';
const CANARY = 'engine/gates/canary';
const uniq = <T>(xs: T[]) => [...new Set(xs)];

export function permissionTable(input: AccessInputs): Permission[] {
  const c = input.canary;
  return [
    { feature: 'guard', verbs: ['get'], group: '', resource: 'configmaps', namespace: input.markerNamespace, why: 'the sandbox marker, read before anything else', calls: ['src/guard/markers.ts: core.readNamespacedConfigMap'] },
    ...Object.values(DASHBOARD_WATCHES),
    ...PROBE_READS,
    { feature: 'runbooks', verbs: ['list'], group: 'secrets.hashicorp.com', resource: 'vaultdynamicsecrets', why: 'vso.reauth: find the VaultDynamicSecrets to re-authenticate', calls: ['engine/runbook/run-action.ts: listCustom'] },
    { feature: 'runbooks', verbs: ['patch'], group: 'secrets.hashicorp.com', resource: 'vaultdynamicsecrets', why: 'vso.reauth: an annotation makes VSO reconcile at once (any namespace a runbook names)', calls: ['engine/runbook/run-action.ts: patchCustom'] },
    ...uniq(input.runbookNamespaces).flatMap((namespace): Permission[] => [
      { feature: 'runbooks', verbs: ['patch'], group: 'apps', resource: 'deployments/scale', namespace, why: 'k8s.scale steps of the runbooks', calls: ['engine/runbook/run-action.ts: scaleDeployment'] },
      { feature: 'runbooks', verbs: ['patch'], group: 'apps', resource: 'deployments', namespace, why: 'k8s.rollout-restart steps (a template annotation, as kubectl rollout restart)', calls: ['engine/runbook/run-action.ts: patchDeployment'] },
    ]),
    // listCustom lists across namespaces: a Role in longhorn-system would not allow it.
    ...['volumes', 'engines', 'replicas'].map((resource): Permission => ({ feature: 'drills', verbs: ['list'], group: 'longhorn.io', resource, why: 'power-cut and longhorn-corruption find the volume’s Engine and Replica objects', calls: [`${RECREATE}: listCustom`] })),
    ...['volumes', 'engines', 'replicas'].map((resource): Permission => ({
      feature: 'drills',
      verbs: ['get', 'create', 'patch', 'delete'],
      group: 'longhorn.io',
      resource,
      namespace: LONGHORN_NAMESPACE,
      why: 'power-cut and longhorn-corruption recreate the volume’s Longhorn objects as a reinstall does (finalizers removed by a patch)',
      calls: [`${RECREATE}: readObject`, `${RECREATE}: createObject`, `${RECREATE}: patchCustom`, `${RECREATE}: deleteObject`],
    })),
    { feature: 'drills', verbs: ['list'], group: '', resource: 'nodes', why: 'power-cut: the control plane’s boot ids say the API server came back (a poll can miss a short outage, never a reboot)', calls: ['src/cli/wiring.ts: core.listNode'] },
    { feature: 'drills', verbs: ['list'], group: 'argoproj.io', resource: 'applications', why: 'argocd-bad-sync: the Application whose tracked branch gets the broken commit', calls: ['engine/drills/gitops-fault.ts: listCustom'] },
    { feature: 'gates', verbs: ['list'], group: '', resource: 'nodes', why: 'parity: node count, names, kubelet versions', calls: [`${PARITY}: core.listNode`] },
    { feature: 'gates', verbs: ['get'], group: 'apps', resource: 'daemonsets', namespace: LONGHORN_NAMESPACE, names: ['longhorn-manager'], why: 'parity: the Longhorn version (longhorn-manager image)', calls: [`${PARITY}: apps.readNamespacedDaemonSet`] },
    { feature: 'gates', verbs: ['get'], group: 'apps', resource: 'deployments', namespace: VSO_NAMESPACE, names: ['vault-secrets-operator-controller-manager'], why: 'parity: the VSO version', calls: [`${PARITY}: apps.readNamespacedDeployment`] },
    { feature: 'gates', verbs: ['list'], group: 'longhorn.io', resource: 'volumes', why: 'parity: the Longhorn volumes', calls: [`${PARITY}: listCustom`] },
    { feature: 'gates', verbs: ['list'], group: 'argoproj.io', resource: 'applications', why: 'parity: the Argo CD applications', calls: [`${PARITY}: listCustom`] },
    { feature: 'gates', verbs: ['list'], group: 'apps', resource: 'deployments', why: 'parity: every workload’s image', calls: [`${PARITY}: apps.listDeploymentForAllNamespaces`] },
    { feature: 'gates', verbs: ['list'], group: 'apps', resource: 'statefulsets', why: 'parity: every workload’s image', calls: [`${PARITY}: apps.listStatefulSetForAllNamespaces`] },
    { feature: 'gates', verbs: ['get', 'create', 'delete'], group: 'argoproj.io', resource: 'applications', namespace: ARGOCD_NAMESPACE, why: 'canary: the Application the run creates, watches and removes', calls: [`${CANARY}/kube-links.ts: createObject`, `${CANARY}/kube-links.ts: readObject`, `${CANARY}/cleanup.ts: readObject`, `${CANARY}/cleanup.ts: deleteObject`] },
    { feature: 'gates', verbs: ['get', 'create', 'delete'], group: '', resource: 'secrets', namespace: ARGOCD_NAMESPACE, why: 'canary: the repository credential Argo CD reads the canary repository with', calls: [`${CANARY}/argocd-credential.ts: createObject`, `${CANARY}/cleanup.ts: readObject`, `${CANARY}/cleanup.ts: deleteObject`] },
    { feature: 'gates', verbs: ['list'], group: '', resource: 'events', namespace: ARGOCD_NAMESPACE, why: 'canary: why VSO did not inject (its warning events)', calls: [`${CANARY}/kube-links.ts: core.listNamespacedEvent`] },
    { feature: 'gates', verbs: ['get', 'delete'], group: '', resource: 'namespaces', names: [c.namespace], why: 'canary: the app namespace Argo CD creates, removed after the run', calls: [`${CANARY}/cleanup.ts: readObject`, `${CANARY}/cleanup.ts: deleteObject`] },
    // The canary namespace lives only during a run: a Role in it would be deleted with it, so these are cluster-wide.
    ...[{ group: '', resource: 'secrets' }, ...c.deployed].map((r): Permission => ({ feature: 'gates', verbs: ['get', 'delete'], group: r.group, resource: r.resource, why: `canary: what the run deployed in ${c.namespace} (cluster-wide: the namespace exists only during a run)`, calls: [`${CANARY}/kube-links.ts: readObject`, `${CANARY}/cleanup.ts: readObject`, `${CANARY}/cleanup.ts: deleteObject`] })),
    { feature: 'gates', verbs: ['list'], group: '', resource: 'pods', why: `canary: the app's pod in ${c.namespace} (cluster-wide: the namespace exists only during a run)`, calls: [`${CANARY}/kube-links.ts: core.listNamespacedPod`, `${CANARY}/cleanup.ts: core.listNamespacedPod`] },
  ];
}

/** `patch deployments/scale in erp`, `list orphans.longhorn.io`: how doctor and the dashboard name an entry (kubectl's words). */
export function describePermission(p: Permission): string {
  const [plural, sub] = p.resource.split('/');
  const resource = `${plural}${p.group.includes('.') ? `.${p.group}` : ''}${sub ? `/${sub}` : ''}`;
  return `${p.verbs.join(',')} ${resource}${p.names ? ` ${p.names.join(',')}` : ''}${p.namespace ? ` in ${p.namespace}` : ''}`;
}
