// Errors as the apiserver returns them: a metav1.Status body with the matching HTTP code.

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  code: number;
  details?: { name?: string; group?: string; kind?: string };
}

export function statusError(code: number, reason: string, message: string, details?: KubeStatus['details']): KubeStatus {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code, ...(details ? { details } : {}) };
}

export function notFound(plural: string, name: string, group = ''): KubeStatus {
  return statusError(404, 'NotFound', `${group ? `${plural}.${group}` : plural} "${name}" not found`, { name, group, kind: plural });
}

export const UNAUTHORIZED = statusError(401, 'Unauthorized', 'Unauthorized');

export function expired(rv: number, compactedRv: number): KubeStatus {
  return statusError(410, 'Expired', `too old resource version: ${rv} (${compactedRv})`);
}
