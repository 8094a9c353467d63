import type { KubeObject } from '../kube-object.ts';
import { resourceForKind } from '../resources.ts';
import type { KubeStore } from '../store.ts';
import type { RequestAttributes } from './request-attributes.ts';
import { isServiceAccount, SYSTEM_MASTERS, type UserInfo } from './user-info.ts';

// The RBAC authorizer (plugin/pkg/auth/authorizer/rbac), behind the privileged-group fast path the
// API server puts first for system:masters.

interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

interface Binding extends KubeObject {
  subjects?: Subject[];
  roleRef: { kind: string; name: string; apiGroup?: string };
}

interface RoleObject extends KubeObject {
  rules?: PolicyRule[];
}

export interface Decision {
  allowed: boolean;
  /** RBAC's wording: which binding allowed it, or the errors met (a missing role) when denied. */
  reason: string;
}

const CLUSTER_ROLE = resourceForKind('rbac.authorization.k8s.io/v1', 'ClusterRole');
const CLUSTER_ROLE_BINDING = resourceForKind('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding');
const ROLE = resourceForKind('rbac.authorization.k8s.io/v1', 'Role');
const ROLE_BINDING = resourceForKind('rbac.authorization.k8s.io/v1', 'RoleBinding');

export function authorize(store: KubeStore, user: UserInfo, attrs: RequestAttributes): Decision {
  if (user.groups.includes(SYSTEM_MASTERS)) return { allowed: true, reason: '' };
  const errors: string[] = [];
  const grants = (rules: PolicyRule[] | undefined) => !!rules?.some((rule) => ruleAllows(attrs, rule));

  for (const binding of sortedByName(store.list<Binding>(CLUSTER_ROLE_BINDING))) {
    const subject = (binding.subjects ?? []).find((s) => appliesTo(user, s, ''));
    if (subject && grants(roleRules(store, binding.roleRef, '', errors))) {
      return { allowed: true, reason: `RBAC: allowed by ClusterRoleBinding "${binding.metadata.name}" of ${binding.roleRef.kind} "${binding.roleRef.name}" to ${describe(subject, '')}` };
    }
  }
  // A RoleBinding grants in its own namespace only, whether it names a Role or a ClusterRole.
  if (attrs.namespace) {
    for (const binding of sortedByName(store.list<Binding>(ROLE_BINDING, attrs.namespace))) {
      const subject = (binding.subjects ?? []).find((s) => appliesTo(user, s, attrs.namespace));
      if (subject && grants(roleRules(store, binding.roleRef, attrs.namespace, errors))) {
        return { allowed: true, reason: `RBAC: allowed by RoleBinding "${binding.metadata.name}/${attrs.namespace}" of ${binding.roleRef.kind} "${binding.roleRef.name}" to ${describe(subject, attrs.namespace)}` };
      }
    }
  }
  return { allowed: false, reason: errors.length ? `RBAC: ${aggregate(errors)}` : '' };
}

/** utilerrors.NewAggregate's message: one error as is, several in brackets. */
function aggregate(errors: string[]): string {
  return errors.length === 1 ? (errors[0] as string) : `[${errors.join(', ')}]`;
}

function sortedByName<T extends KubeObject>(items: T[]): T[] {
  return items.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}

function roleRules(store: KubeStore, ref: Binding['roleRef'], namespace: string, errors: string[]): PolicyRule[] | undefined {
  if (ref.kind === 'ClusterRole') {
    const role = store.get<RoleObject>(CLUSTER_ROLE, undefined, ref.name);
    if (!role) errors.push(`clusterrole.rbac.authorization.k8s.io "${ref.name}" not found`);
    return role?.rules ?? (role ? [] : undefined);
  }
  if (ref.kind === 'Role' && namespace) {
    const role = store.get<RoleObject>(ROLE, namespace, ref.name);
    if (!role) errors.push(`role.rbac.authorization.k8s.io "${ref.name}" not found`);
    return role?.rules ?? (role ? [] : undefined);
  }
  errors.push(`unsupported role reference kind: "${ref.kind}"`);
  return undefined;
}

function appliesTo(user: UserInfo, subject: Subject, namespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const saNamespace = subject.namespace || namespace;
      return !!saNamespace && isServiceAccount(user.name, saNamespace, subject.name);
    }
    default:
      return false;
  }
}

function describe(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') return `${subject.kind} "${subject.name}/${subject.namespace || bindingNamespace}"`;
  return `${subject.kind} "${subject.name}"`;
}

function ruleAllows(attrs: RequestAttributes, rule: PolicyRule): boolean {
  if (!matches(rule.verbs, attrs.verb)) return false;
  if (!attrs.resourceRequest) return nonResourceUrlMatches(rule.nonResourceURLs ?? [], attrs.path);
  const combined = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  return matches(rule.apiGroups, attrs.apiGroup) && resourceMatches(rule.resources ?? [], combined, attrs.subresource) && (!rule.resourceNames?.length || rule.resourceNames.includes(attrs.name));
}

function matches(values: string[] | undefined, wanted: string): boolean {
  return (values ?? []).some((v) => v === '*' || v === wanted);
}

function resourceMatches(resources: string[], combined: string, subresource: string): boolean {
  return resources.some((r) => r === '*' || r === combined || (!!subresource && r === `*/${subresource}`));
}

function nonResourceUrlMatches(urls: string[], path: string): boolean {
  return urls.some((u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))));
}
