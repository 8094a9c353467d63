import { groupVersion, RESOURCES, type ResourceDef } from './resources.ts';

// Legacy (unaggregated) discovery documents. kubectl asks for aggregated discovery first and
// falls back to these when the server answers plain application/json.

export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groups(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of RESOURCES) {
    if (!r.group) continue;
    const versions = out.get(r.group) ?? [];
    if (!versions.includes(r.version)) versions.push(r.version);
    out.set(r.group, versions);
  }
  return out;
}

function apiGroup(name: string, versions: string[]): object {
  const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { kind: 'APIGroup', apiVersion: 'v1', name, versions: list, preferredVersion: list[0] };
}

export function apiGroupList(): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups()].map(([name, versions]) => {
      const { kind: _kind, apiVersion: _apiVersion, ...rest } = apiGroup(name, versions) as Record<string, unknown>;
      return rest;
    }),
  };
}

export function apiGroupDoc(name: string): object | undefined {
  const versions = groups().get(name);
  return versions ? apiGroup(name, versions) : undefined;
}

function entry(r: ResourceDef): object[] {
  const main = {
    name: r.plural,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length ? { categories: r.categories } : {}),
  };
  const subs: object[] = [];
  if (r.hasStatus) subs.push({ name: `${r.plural}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update'] });
  if (r.hasScale) {
    subs.push({ name: `${r.plural}/scale`, singularName: '', namespaced: r.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
  }
  if (r.kind === 'Pod') subs.push({ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
  if (r.kind === 'ServiceAccount' && !r.group) {
    subs.push({ name: 'serviceaccounts/token', singularName: '', namespaced: true, group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] });
  }
  return [main, ...subs];
}

export function apiResourceList(groupVersionText: string): object | undefined {
  const resources = RESOURCES.filter((r) => groupVersion(r) === groupVersionText);
  if (resources.length === 0) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersionText, resources: resources.flatMap(entry) };
}
