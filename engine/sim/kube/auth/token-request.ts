import { isoTime } from '../kube-object.ts';
import { notFound, statusError, type KubeStatus } from '../status.ts';
import type { KubeStore } from '../store.ts';
import { SERVICE_ACCOUNT, type ServiceAccountTokens } from './service-account-tokens.ts';

// POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token (authentication.k8s.io/v1 TokenRequest).

/** k3s' --api-audiences: the default audiences of a TokenRequest that names none. */
const API_AUDIENCES = ['https://kubernetes.default.svc.cluster.local', 'k3s'];
const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;

interface TokenRequestBody {
  metadata?: { name?: string };
  spec?: { audiences?: string[] | null; expirationSeconds?: number | null; boundObjectRef?: unknown };
}

export function tokenRequest(store: KubeStore, tokens: ServiceAccountTokens, now: number, namespace: string, name: string, body: TokenRequestBody): { code: number; body: object | KubeStatus } {
  const sa = store.get(SERVICE_ACCOUNT, namespace, name);
  if (!sa) return { code: 404, body: notFound('serviceaccounts', name) };
  const expirationSeconds = body.spec?.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  if (!Number.isInteger(expirationSeconds) || expirationSeconds < MIN_EXPIRATION_SECONDS) {
    const message = `TokenRequest.authentication.k8s.io "${name}" is invalid: spec.expirationSeconds: Invalid value: ${JSON.stringify(expirationSeconds)}: may not specify a duration less than 10 minutes`;
    return { code: 422, body: statusError(422, 'Invalid', message, { name, group: 'authentication.k8s.io', kind: 'TokenRequest' }) };
  }
  if (expirationSeconds > 2 ** 32) {
    const message = `TokenRequest.authentication.k8s.io "${name}" is invalid: spec.expirationSeconds: Too long: may not specify a duration larger than 2^32 seconds`;
    return { code: 422, body: statusError(422, 'Invalid', message, { name, group: 'authentication.k8s.io', kind: 'TokenRequest' }) };
  }
  const expiresAt = now + expirationSeconds * 1000;
  const audiences = body.spec?.audiences?.length ? body.spec.audiences : API_AUDIENCES;
  return {
    code: 201,
    body: {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name, namespace, creationTimestamp: null },
      spec: { audiences, expirationSeconds, boundObjectRef: body.spec?.boundObjectRef ?? null },
      status: { token: tokens.issue(sa, expiresAt), expirationTimestamp: isoTime(expiresAt) },
    },
  };
}
