import { findResource, type ResourceDef } from './resources.ts';

export interface ResourceRoute {
  def: ResourceDef;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export type Route =
  | { kind: 'resource'; route: ResourceRoute }
  | { kind: 'discovery'; path: string }
  | { kind: 'unknown-resource'; groupVersion: string; plural: string }
  | { kind: 'not-found' };

/**
 * Splits /api/v1/... and /apis/<group>/<version>/... paths into resource, namespace, name and
 * subresource, the same way the apiserver's RequestInfoFactory does.
 */
export function parseKubePath(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let gv: string;
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length <= 2) return { kind: 'discovery', path: pathname };
    gv = parts[1] as string;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length <= 3) return { kind: 'discovery', path: pathname };
    gv = `${parts[1]}/${parts[2]}`;
    rest = parts.slice(3);
  } else {
    return { kind: 'not-found' };
  }

  const resolve = (plural: string, tail: string[], namespace?: string): Route => {
    const def = findResource(gv, plural);
    if (!def) return { kind: 'unknown-resource', groupVersion: gv, plural };
    if (tail.length > 2) return { kind: 'not-found' };
    return { kind: 'resource', route: { def, namespace: def.namespaced ? namespace : undefined, name: tail[0], subresource: tail[1] } };
  };

  const namespaceSubresource = rest[0] === 'namespaces' && rest.length === 3 && !findResource(gv, rest[2] as string);
  if (rest[0] === 'namespaces' && rest.length >= 3 && !namespaceSubresource) {
    return resolve(rest[2] as string, rest.slice(3), rest[1]);
  }
  return resolve(rest[0] as string, rest.slice(1));
}
