// The API resources lab-sim serves, with the discovery metadata kubectl and client-node rely on.

export interface ResourceDef {
  group: string; // '' for the core group
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Pods (and nothing else here) are deleted gracefully: Terminating first, gone once stopped. */
  gracefulDelete: boolean;
  hasStatus: boolean;
  hasScale: boolean;
  /** What discovery lists; review kinds are create-only and never stored. */
  verbs: readonly string[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function def(
  group: string,
  version: string,
  kind: string,
  plural: string,
  opts: Partial<Pick<ResourceDef, 'namespaced' | 'shortNames' | 'categories' | 'gracefulDelete' | 'hasStatus' | 'hasScale' | 'verbs'>> = {},
): ResourceDef {
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced: opts.namespaced ?? true,
    shortNames: opts.shortNames ?? [],
    categories: opts.categories ?? [],
    gracefulDelete: opts.gracefulDelete ?? false,
    hasStatus: opts.hasStatus ?? true,
    hasScale: opts.hasScale ?? false,
    verbs: opts.verbs ?? ALL_VERBS,
  };
}

const LONGHORN = 'longhorn.io';
const ARGO = 'argoproj.io';
const VSO = 'secrets.hashicorp.com';
const RBAC = 'rbac.authorization.k8s.io';
const AUTHORIZATION = 'authorization.k8s.io';

export const RESOURCES: readonly ResourceDef[] = [
  def('', 'v1', 'Namespace', 'namespaces', { namespaced: false, shortNames: ['ns'] }),
  def('', 'v1', 'Node', 'nodes', { namespaced: false, shortNames: ['no'] }),
  def('', 'v1', 'Pod', 'pods', { shortNames: ['po'], categories: ['all'], gracefulDelete: true }),
  def('', 'v1', 'Event', 'events', { shortNames: ['ev'], hasStatus: false }),
  def('', 'v1', 'ConfigMap', 'configmaps', { shortNames: ['cm'], hasStatus: false }),
  def('', 'v1', 'Secret', 'secrets', { hasStatus: false }),
  def('', 'v1', 'Service', 'services', { shortNames: ['svc'], categories: ['all'] }),
  def('', 'v1', 'ServiceAccount', 'serviceaccounts', { shortNames: ['sa'], hasStatus: false }),
  def('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', { shortNames: ['pvc'] }),
  def('', 'v1', 'PersistentVolume', 'persistentvolumes', { namespaced: false, shortNames: ['pv'] }),
  def('apps', 'v1', 'Deployment', 'deployments', { shortNames: ['deploy'], categories: ['all'], hasScale: true }),
  def('apps', 'v1', 'StatefulSet', 'statefulsets', { shortNames: ['sts'], categories: ['all'], hasScale: true }),
  def('apps', 'v1', 'DaemonSet', 'daemonsets', { shortNames: ['ds'], categories: ['all'] }),
  def('networking.k8s.io', 'v1', 'Ingress', 'ingresses', { shortNames: ['ing'] }),
  def(LONGHORN, 'v1beta2', 'Volume', 'volumes', { shortNames: ['lhv'], categories: ['longhorn'] }),
  def(LONGHORN, 'v1beta2', 'Engine', 'engines', { shortNames: ['lhe'], categories: ['longhorn'] }),
  def(LONGHORN, 'v1beta2', 'Replica', 'replicas', { shortNames: ['lhr'], categories: ['longhorn'] }),
  def(LONGHORN, 'v1beta2', 'Orphan', 'orphans', { shortNames: ['lho'], categories: ['longhorn'] }),
  def(LONGHORN, 'v1beta2', 'Node', 'nodes', { shortNames: ['lhn'], categories: ['longhorn'] }),
  def(ARGO, 'v1alpha1', 'Application', 'applications', { shortNames: ['app', 'apps'], categories: ['argoproj'] }),
  def(VSO, 'v1beta1', 'VaultDynamicSecret', 'vaultdynamicsecrets'),
  def(VSO, 'v1beta1', 'VaultStaticSecret', 'vaultstaticsecrets'),
  def(VSO, 'v1beta1', 'VaultAuth', 'vaultauths'),
  def(RBAC, 'v1', 'ClusterRole', 'clusterroles', { namespaced: false, hasStatus: false }),
  def(RBAC, 'v1', 'ClusterRoleBinding', 'clusterrolebindings', { namespaced: false, hasStatus: false }),
  def(RBAC, 'v1', 'Role', 'roles', { hasStatus: false }),
  def(RBAC, 'v1', 'RoleBinding', 'rolebindings', { hasStatus: false }),
  def(AUTHORIZATION, 'v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', { namespaced: false, hasStatus: false, verbs: ['create'] }),
];

/** Answered from the request, never stored (the API server's review kinds). */
export function isReview(r: Pick<ResourceDef, 'group'>): boolean {
  return r.group === AUTHORIZATION;
}

export function groupVersion(r: Pick<ResourceDef, 'group' | 'version'>): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** A kind of Kubernetes itself (core, apps, RBAC), not a custom resource a CRD defines. */
export function isBuiltIn(r: Pick<ResourceDef, 'group'>): boolean {
  return r.group === '' || r.group === 'apps' || r.group === RBAC;
}

/** Stable key used by the store: "pods", "deployments.apps", "volumes.longhorn.io". */
export function resourceKey(r: Pick<ResourceDef, 'group' | 'plural'>): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

const byPath = new Map(RESOURCES.map((r) => [`${groupVersion(r)}/${r.plural}`, r]));
const byKind = new Map(RESOURCES.map((r) => [`${groupVersion(r)}/${r.kind}`, r]));

export function findResource(groupVersionText: string, plural: string): ResourceDef | undefined {
  return byPath.get(`${groupVersionText}/${plural}`);
}

export function resourceForKind(apiVersion: string, kind: string): ResourceDef {
  const r = byKind.get(`${apiVersion}/${kind}`);
  if (!r) throw new Error(`lab-sim serves no resource for ${apiVersion} ${kind}`);
  return r;
}
