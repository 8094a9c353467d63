// authorizer.Attributes of a request, derived as the API server's RequestInfoFactory does.

export interface RequestAttributes {
  verb: string;
  resourceRequest: boolean;
  /** Non-resource requests: the URL path. */
  path: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

const METHOD_VERBS: Record<string, string> = { POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function requestAttributes(method: string, url: URL): RequestAttributes {
  const path = url.pathname;
  const attrs: RequestAttributes = { verb: method.toLowerCase(), resourceRequest: false, path, apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '' };
  let parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length < 3 || (parts[0] !== 'api' && parts[0] !== 'apis')) return attrs;
  const prefix = parts[0];
  parts = parts.slice(1);
  if (prefix === 'apis') {
    if (parts.length < 3) return attrs;
    attrs.apiGroup = parts[0] as string;
    parts = parts.slice(1);
  }
  attrs.resourceRequest = true;
  attrs.apiVersion = parts[0] as string;
  parts = parts.slice(1);
  attrs.verb = METHOD_VERBS[method.toUpperCase()] ?? method.toLowerCase();
  if (parts[0] === 'namespaces') {
    if (parts.length > 1) {
      attrs.namespace = parts[1] as string;
      if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2] as string)) parts = parts.slice(2);
    }
  }
  if (parts.length >= 3) attrs.subresource = parts[2] as string;
  if (parts.length >= 2) attrs.name = parts[1] as string;
  if (parts.length >= 1) attrs.resource = parts[0] as string;

  if (!attrs.name && attrs.verb === 'get') {
    const watch = url.searchParams.get('watch');
    attrs.verb = watch === 'true' || watch === '1' ? 'watch' : 'list';
    // A list or watch of one object by name is authorised for that name (resourceNames rules).
    const terms = (url.searchParams.get('fieldSelector') ?? '').split(',');
    const exact = terms.map((t) => /^metadata\.name==?(.+)$/.exec(t.trim())?.[1]).find((n) => n !== undefined);
    if (exact && /^[^/%]+$/.test(exact) && exact !== '.' && exact !== '..') attrs.name = exact;
  }
  if (!attrs.name && attrs.verb === 'delete') attrs.verb = 'deletecollection';
  return attrs;
}
