import { describePermission, type Feature, type Permission, type Verb } from '../access/permissions.ts';
import { failed, passed, type DoctorCheck } from './check.ts';

/** One question for a SelfSubjectAccessReview (authorization.k8s.io/v1 spec.resourceAttributes). */
export interface ReviewAttributes {
  verb: Verb;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** What the API server answered, or why it could not be asked. */
export type ReviewAnswer = { allowed: boolean } | { error: string };

export const reviewKey = (a: ReviewAttributes): string => [a.verb, a.group, a.resource, a.subresource ?? '', a.namespace ?? '', a.name ?? ''].join('|');

/** Every (verb, group, resource, namespace, name) an entry grants: one review each. */
export function reviewsFor(p: Permission): ReviewAttributes[] {
  const [resource, subresource] = p.resource.split('/') as [string, string | undefined];
  const names: (string | undefined)[] = p.names ?? [undefined];
  return p.verbs.flatMap((verb) => names.map((name) => ({ verb, group: p.group, resource, ...(subresource ? { subresource } : {}), ...(p.namespace ? { namespace: p.namespace } : {}), ...(name ? { name } : {}) })));
}

/** The distinct reviews of a table, in table order. */
export function tableReviews(table: Permission[]): ReviewAttributes[] {
  const seen = new Map<string, ReviewAttributes>();
  for (const a of table.flatMap(reviewsFor)) seen.set(reviewKey(a), a);
  return [...seen.values()];
}

const GRANT_FIX =
  'use the kubeconfig `lab-tui sandbox init` wrote (lab-tui.kubeconfig), or run `lab-tui sandbox init` with an admin kubeconfig: it grants ServiceAccount lab-tui exactly these (engine/access/permissions.ts)';

/**
 * One line per feature: ok when the API server allows every verb of every entry, else the
 * missing ones in kubectl's words ("drills: patch deployments/scale in erp").
 */
export function permissionChecks(table: Permission[], answers: Map<string, ReviewAnswer>): DoctorCheck[] {
  const features = [...new Set(table.map((p) => p.feature))];
  return features.map((feature: Feature) => {
    const entries = table.filter((p) => p.feature === feature);
    const missing: string[] = [];
    const errors = new Set<string>();
    for (const p of entries) {
      const verbs = p.verbs.filter((verb) =>
        reviewsFor({ ...p, verbs: [verb] }).some((a) => {
          const answer = answers.get(reviewKey(a));
          if (!answer) return true;
          if ('error' in answer) errors.add(answer.error);
          return !('allowed' in answer) || !answer.allowed;
        }),
      );
      if (verbs.length) missing.push(describePermission({ ...p, verbs }));
    }
    const id = `permissions.${feature}`;
    const name = `permissions: ${feature}`;
    if (errors.size) return failed(id, name, `could not ask the API server (SelfSubjectAccessReview): ${[...errors][0]}`, 'check that the API server serves authorization.k8s.io/v1 and that the sandbox is reachable');
    if (!missing.length) return passed(id, name, `${entries.length} rule(s) granted`);
    return failed(id, name, missing.map((m) => `${feature}: ${m}`).join('\n'), GRANT_FIX);
  });
}
