import { statusError, type KubeStatus } from '../status.ts';
import type { KubeStore } from '../store.ts';
import { authorize } from './rbac-authorizer.ts';
import type { RequestAttributes } from './request-attributes.ts';
import type { UserInfo } from './user-info.ts';

// POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews: the caller's own access, as the
// authorizer chain would decide it for a request with these attributes.

interface ReviewBody {
  spec?: {
    resourceAttributes?: { namespace?: string; verb?: string; group?: string; version?: string; resource?: string; subresource?: string; name?: string } | null;
    nonResourceAttributes?: { path?: string; verb?: string } | null;
  };
}

export function selfSubjectAccessReview(store: KubeStore, user: UserInfo, body: ReviewBody): { code: number; body: object | KubeStatus } {
  const spec = body.spec ?? {};
  const invalid = (field: string, value: unknown, detail: string) => ({
    code: 422,
    body: statusError(422, 'Invalid', `SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.${field}: Invalid value: ${JSON.stringify(JSON.stringify(value ?? null))}: ${detail}`, { group: 'authorization.k8s.io', kind: 'SelfSubjectAccessReview' }),
  });
  const r = spec.resourceAttributes;
  const nr = spec.nonResourceAttributes;
  if (r && nr) return invalid('nonResourceAttributes', nr, 'cannot be specified in combination with resourceAttributes');
  if (!r && !nr) return invalid('resourceAttributes', nr, 'exactly one of nonResourceAttributes or resourceAttributes must be specified');
  const attrs: RequestAttributes = r
    ? { verb: r.verb ?? '', resourceRequest: true, path: '', apiGroup: r.group ?? '', apiVersion: r.version ?? '', resource: r.resource ?? '', subresource: r.subresource ?? '', namespace: r.namespace ?? '', name: r.name ?? '' }
    : { verb: nr?.verb ?? '', resourceRequest: false, path: nr?.path ?? '', apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '' };
  const decision = authorize(store, user, attrs);
  return {
    code: 201,
    body: {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec,
      status: { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) },
    },
  };
}
