import { createHash } from 'node:crypto';
import { groupVersion, RESOURCES, type ResourceDef } from './resources.ts';

// Just enough OpenAPI v3 for kubectl: `apply`/`create` validate by asking, per GroupVersionKind,
// whether the PATCH operation takes the fieldValidation query parameter (cli-runtime's
// QueryParamVerifierV3). Saying yes makes kubectl validate server-side, so no schemas are needed.

function gvPath(gv: string): string {
  return gv.includes('/') ? `apis/${gv}` : `api/${gv}`;
}

function groupVersions(): string[] {
  return [...new Set(RESOURCES.map(groupVersion))];
}

export function openApiRoot(): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of groupVersions()) {
    const hash = createHash('sha256').update(gv).digest('hex').slice(0, 16).toUpperCase();
    paths[gvPath(gv)] = { serverRelativeURL: `/openapi/v3/${gvPath(gv)}?hash=${hash}` };
  }
  return { paths };
}

function itemPath(r: ResourceDef): string {
  const base = `/${gvPath(groupVersion(r))}`;
  return r.namespaced ? `${base}/namespaces/{namespace}/${r.plural}/{name}` : `${base}/${r.plural}/{name}`;
}

export function openApiGroupVersion(path: string, kubernetesVersion: string): object | undefined {
  const gv = groupVersions().find((candidate) => gvPath(candidate) === path);
  if (!gv) return undefined;
  const paths: Record<string, object> = {};
  for (const r of RESOURCES.filter((x) => groupVersion(x) === gv && x.verbs.includes('patch'))) {
    paths[itemPath(r)] = {
      patch: {
        operationId: `patch${r.kind}`,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
        parameters: [
          { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
          { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
          { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
        ],
        responses: { '200': { description: 'OK' } },
      },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: kubernetesVersion }, paths, components: { schemas: {} } };
}
