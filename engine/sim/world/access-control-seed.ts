import { SA_NAME_ANNOTATION, SA_TOKEN_TYPE } from '../kube/auth/service-account-tokens.ts';
import type { ObjectMeta } from '../kube/kube-object.ts';

// What a fresh cluster's RBAC holds that matters to lab-sim (a small part of Kubernetes' bootstrap
// policy: plugin/pkg/auth/authorizer/rbac/bootstrappolicy), and the read-only identity the state
// dir's kubeconfig-viewer uses.

type Create = (kind: string, obj: { metadata: ObjectMeta; [field: string]: unknown }, apiVersion: string) => unknown;

const RBAC_V1 = 'rbac.authorization.k8s.io/v1';
const READ = ['get', 'list', 'watch'];
const BOOTSTRAP = { labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } };

export const VIEWER = { namespace: 'kube-system', serviceAccount: 'lab-sim-viewer', secret: 'lab-sim-viewer-token' } as const;

const read = (apiGroup: string, resources: string[]) => ({ verbs: READ, apiGroups: [apiGroup], resources });

/**
 * `view` as the aggregation controller leaves it: system:aggregate-to-view's rules. Nothing else
 * aggregates into it here (the Longhorn, Argo CD and VSO charts ship no aggregate-to-view roles).
 */
const VIEW_RULES = [
  read('', ['pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'configmaps']),
  read('', ['limitranges', 'resourcequotas', 'bindings', 'events', 'pods/status', 'resourcequotas/status', 'namespaces/status', 'replicationcontrollers/status', 'pods/log']),
  read('', ['namespaces']),
  read('discovery.k8s.io', ['endpointslices']),
  read('apps', ['controllerrevisions', 'statefulsets', 'statefulsets/status', 'statefulsets/scale', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/status', 'deployments/scale', 'replicasets', 'replicasets/status', 'replicasets/scale']),
  read('autoscaling', ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
  read('batch', ['jobs', 'cronjobs', 'cronjobs/status', 'jobs/status']),
  read('extensions', ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale', 'networkpolicies']),
  read('policy', ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
  read('networking.k8s.io', ['networkpolicies', 'ingresses', 'ingresses/status']),
];

const CLUSTER_ROLES: { name: string; rules: object[]; extra?: object }[] = [
  { name: 'cluster-admin', rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }] },
  { name: 'system:discovery', rules: [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'] }] },
  { name: 'system:public-info-viewer', rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] }] },
  { name: 'system:basic-user', rules: [{ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] }, { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] }] },
  { name: 'view', rules: VIEW_RULES, extra: { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }] } } },
];

const group = (name: string) => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name });
const CLUSTER_ROLE_BINDINGS: { name: string; subjects: object[] }[] = [
  { name: 'cluster-admin', subjects: [group('system:masters')] },
  { name: 'system:basic-user', subjects: [group('system:authenticated')] },
  { name: 'system:discovery', subjects: [group('system:authenticated')] },
  { name: 'system:public-info-viewer', subjects: [group('system:authenticated'), group('system:unauthenticated')] },
];

/** `uid` gives every object its uid from the caller's stream: seeding must not shift the world's. */
export function seedAccessControl(create: Create, uid: () => string): void {
  const labelled = (name: string, extraLabels: Record<string, string> = {}) => ({ name, uid: uid(), labels: { ...BOOTSTRAP.labels, ...extraLabels }, annotations: BOOTSTRAP.annotations });
  for (const role of CLUSTER_ROLES) {
    const labels: Record<string, string> = role.name === 'view' ? { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } : {};
    create('ClusterRole', { metadata: labelled(role.name, labels), ...role.extra, rules: role.rules }, RBAC_V1);
  }
  for (const binding of CLUSTER_ROLE_BINDINGS) {
    create('ClusterRoleBinding', { metadata: labelled(binding.name), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: binding.name }, subjects: binding.subjects }, RBAC_V1);
  }
  const { namespace, serviceAccount, secret } = VIEWER;
  create('ServiceAccount', { metadata: { name: serviceAccount, namespace, uid: uid() } }, 'v1');
  create('Secret', { metadata: { name: secret, namespace, uid: uid(), annotations: { [SA_NAME_ANNOTATION]: serviceAccount } }, type: SA_TOKEN_TYPE }, 'v1');
  create('ClusterRoleBinding', {
    metadata: { name: serviceAccount, uid: uid() },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace }],
  }, RBAC_V1);
}
