import { statusError, type KubeStatus } from '../status.ts';
import type { RequestAttributes } from './request-attributes.ts';
import type { UserInfo } from './user-info.ts';

// responsewriters.Forbidden: forbiddenMessage() wrapped in apierrors.NewForbidden.

function forbiddenMessage(user: UserInfo, a: RequestAttributes): string {
  if (!a.resourceRequest) return `User "${user.name}" cannot ${a.verb} path "${a.path}"`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const where = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `User "${user.name}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" ${where}`;
}

export function forbidden(user: UserInfo, a: RequestAttributes, reason: string): KubeStatus {
  const detail = reason ? `${forbiddenMessage(user, a)}: ${reason}` : forbiddenMessage(user, a);
  const qualified = a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource;
  let message: string;
  if (!a.resource) message = `forbidden: ${detail}`;
  else if (!a.name) message = `${qualified} is forbidden: ${detail}`;
  else message = `${qualified} "${a.name}" is forbidden: ${detail}`;
  const details = { ...(a.name ? { name: a.name } : {}), ...(a.apiGroup ? { group: a.apiGroup } : {}), ...(a.resource ? { kind: a.resource } : {}) };
  return statusError(403, 'Forbidden', message, details);
}
