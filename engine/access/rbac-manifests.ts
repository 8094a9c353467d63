import type { KubernetesObject } from '@kubernetes/client-node';
import type { Permission } from './permissions.ts';

/** lab-tui's own identity on the sandbox: its namespace, ServiceAccount and every role are named so. */
export const IDENTITY = { namespace: 'lab-tui', serviceAccount: 'lab-tui', role: 'lab-tui', tokenSecret: 'lab-tui-token' } as const;

const LABELS = { 'app.kubernetes.io/managed-by': 'lab-tui-sandbox-init' };

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
  verbs: string[];
}

/**
 * One rule per (group, names, verbs): the entries that grant the same verbs on the same group
 * share a rule, so the role reads as the table does. Sorted: a second run generates the same role.
 */
export function policyRules(entries: Permission[]): PolicyRule[] {
  const byResource = new Map<string, { group: string; resource: string; names?: string[]; verbs: Set<string> }>();
  for (const p of entries) {
    const key = `${p.group}\0${p.resource}\0${p.names?.join(',') ?? ''}`;
    const at = byResource.get(key) ?? { group: p.group, resource: p.resource, names: p.names, verbs: new Set<string>() };
    for (const v of p.verbs) at.verbs.add(v);
    byResource.set(key, at);
  }
  const rules = new Map<string, PolicyRule>();
  for (const r of byResource.values()) {
    const verbs = [...r.verbs].sort();
    const key = `${r.group}\0${r.names?.join(',') ?? ''}\0${verbs.join(',')}`;
    const rule = rules.get(key) ?? { apiGroups: [r.group], resources: [], ...(r.names ? { resourceNames: [...r.names].sort() } : {}), verbs };
    rule.resources.push(r.resource);
    rules.set(key, rule);
  }
  for (const rule of rules.values()) rule.resources.sort();
  return [...rules.values()].sort((a, b) => `${a.apiGroups[0]} ${a.resources[0]}`.localeCompare(`${b.apiGroups[0]} ${b.resources[0]}`));
}

const meta = (name: string, namespace?: string) => ({ name, ...(namespace ? { namespace } : {}), labels: LABELS });
const subject = { kind: 'ServiceAccount', name: IDENTITY.serviceAccount, namespace: IDENTITY.namespace };

/**
 * Everything `sandbox init` creates for lab-tui's identity, in apply order: the namespace and
 * ServiceAccount, a ClusterRole for the cluster-wide entries, a Role per namespace for the others,
 * their bindings, and a long-lived token Secret the token controller fills.
 */
export function identityManifests(entries: Permission[]): KubernetesObject[] {
  const cluster = entries.filter((p) => !p.namespace);
  const namespaces = [...new Set(entries.flatMap((p) => (p.namespace ? [p.namespace] : [])))].sort();
  const roleRef = (kind: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind, name: IDENTITY.role });
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: meta(IDENTITY.namespace) },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(IDENTITY.serviceAccount, IDENTITY.namespace) },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: meta(IDENTITY.role), rules: policyRules(cluster) },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: meta(IDENTITY.role), roleRef: roleRef('ClusterRole'), subjects: [subject] },
    ...namespaces.flatMap((ns) => [
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta(IDENTITY.role, ns), rules: policyRules(entries.filter((p) => p.namespace === ns)) },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta(IDENTITY.role, ns), roleRef: roleRef('Role'), subjects: [subject] },
    ]),
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: { ...meta(IDENTITY.tokenSecret, IDENTITY.namespace), annotations: { 'kubernetes.io/service-account.name': IDENTITY.serviceAccount } },
    },
  ] as KubernetesObject[];
}
