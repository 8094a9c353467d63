import { CRD_GROUPS } from '../access/crd-versions.ts';
import type { Permission } from '../access/permissions.ts';
import { failed, passed, type DoctorCheck } from './check.ts';

/** A custom resource lab-tui reads, at the version it reads it. */
export interface NeededResource {
  group: string;
  version: string;
  resource: string;
}

/** The custom resources of the table, by group/version, in table order. */
export function neededCrds(table: Permission[]): NeededResource[] {
  const seen = new Map<string, NeededResource>();
  for (const p of table) {
    const crd = CRD_GROUPS[p.group];
    const resource = p.resource.split('/')[0]!;
    if (crd) seen.set(`${p.group}/${resource}`, { group: p.group, version: crd.version, resource });
  }
  return [...seen.values()];
}

/** Discovery for one group/version: the resources served, undefined when the server serves no such version (404), or why it could not be read. */
export type Discovery = { served: string[] | undefined } | { error: string };

/** One line per group/version: every resource lab-tui reads there is served. */
export function crdChecks(needed: NeededResource[], discovery: Map<string, Discovery>): DoctorCheck[] {
  const groups = [...new Set(needed.map((n) => `${n.group}/${n.version}`))];
  return groups.map((gv) => {
    const resources = needed.filter((n) => `${n.group}/${n.version}` === gv).map((n) => n.resource);
    const group = gv.split('/')[0]!;
    const id = `crds.${gv}`;
    const name = `CRDs ${gv}`;
    const d = discovery.get(gv);
    const install = `install ${CRD_GROUPS[group]?.installedBy ?? group} at the version manifests/parity.yaml pins (README#building-a-sandbox)`;
    if (!d) return failed(id, name, 'not asked', install);
    if ('error' in d) return failed(id, name, `discovery failed: ${d.error}`, 'check that the API server is reachable');
    if (!d.served) return failed(id, name, `${gv} is not served: ${resources.join(', ')} missing`, install);
    const missing = resources.filter((r) => !d.served!.includes(r));
    if (missing.length) return failed(id, name, `not served: ${missing.join(', ')} (served: ${resources.filter((r) => !missing.includes(r)).join(', ') || 'none of them'})`, install);
    return passed(id, name, resources.join(', '));
  });
}
