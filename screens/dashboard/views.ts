import type { Snapshot } from '../../engine/health/types.ts';
import { clock } from '../shell/format.ts';

/** A row as the screen shows it; `tone` colours it, `id` keeps the selection stable. */
export interface Row {
  id: string;
  cells: string[];
  tone?: 'ok' | 'warn' | 'bad' | 'dim';
}

export type ListId = 'nodes' | 'components' | 'events' | 'volumes' | 'volume' | 'vault' | 'apps' | 'workloads' | 'certificates' | 'databases';

export interface ListDef {
  id: ListId;
  title: string;
  columns: string[];
  rows(s: Snapshot, target?: string): Row[];
  /** Where enter leads from a row of this list. */
  open?(row: Row): { view: ViewId; target?: string } | undefined;
}

/** The dashboard's views; `:name` reaches each of them. */
export type ViewId = 'overview' | 'nodes' | 'volumes' | 'volume' | 'vault' | 'apps' | 'workloads' | 'certificates' | 'databases' | 'events';

/** While the pods are still being listed, a count made from them is not known: it reads `…`, never 0. */
const podsListing = (s: Snapshot) => s.listing?.includes('pods') ?? false;
const podCell = (s: Snapshot, n: number) => (podsListing(s) ? '…' : String(n));

const HEALTH_TONE = { healthy: 'ok', degraded: 'warn', down: 'bad', unknown: 'dim' } as const;

const COMPONENT_VIEW: Partial<Record<string, ViewId>> = { longhorn: 'volumes', vault: 'vault', vso: 'vault', argocd: 'apps', workloads: 'workloads', stepca: 'certificates', postgres: 'databases' };

export const LISTS: Record<ListId, ListDef> = {
  nodes: {
    id: 'nodes',
    title: 'Nodes',
    columns: ['NAME', 'ROLES', 'READY', 'SINCE', 'KUBELET', 'ARCH', 'PODS', 'PENDING', 'REPLICAS'],
    rows: (s) =>
      s.nodes.map((n) => ({
        id: n.name,
        cells: [n.name, n.roles.join(','), n.ready, clock(n.readySince), n.kubeletDrift ? `${n.kubelet} ≠ parity` : n.kubelet, n.arch, podCell(s, n.podsRunning), podCell(s, n.podsPending), String(n.replicas)],
        tone: n.ready !== 'Ready' ? 'bad' : n.kubeletDrift ? 'warn' : undefined,
      })),
    open: () => ({ view: 'volumes' }),
  },
  components: {
    id: 'components',
    title: 'Components',
    columns: ['COMPONENT', 'STATUS', 'SINCE', 'REASON'],
    rows: (s) => s.components.map((c) => ({ id: c.id, cells: [c.id, c.status, clock(c.since), c.reason], tone: HEALTH_TONE[c.status] })),
    open: (row) => (COMPONENT_VIEW[row.id] ? { view: COMPONENT_VIEW[row.id]! } : undefined),
  },
  events: {
    id: 'events',
    title: 'Events',
    columns: ['TIME', 'FROM', 'OBJECT', 'REASON', 'MESSAGE'],
    rows: (s) => s.events.map((e, i) => ({ id: `${e.at}-${i}`, cells: [clock(e.at), e.origin, e.object, e.reason, e.message], tone: e.type === 'Warning' ? 'warn' : undefined })),
  },
  volumes: {
    id: 'volumes',
    title: 'Longhorn volumes',
    columns: ['VOLUME', 'ROBUSTNESS', 'STATE', 'REPLICAS', 'NODES', 'ORPHANED DATA'],
    rows: (s) =>
      s.volumes.map((v) => ({
        id: v.name,
        cells: [v.name, v.robustness, v.state, String(v.replicas.length), v.replicas.map((r) => r.node).join(','), v.orphans.length ? `${v.orphans.length} dir(s): DO NOT RENAME` : ''],
        tone: v.robustness === 'faulted' ? 'bad' : v.robustness !== 'healthy' || v.orphans.length ? 'warn' : 'ok',
      })),
    open: (row) => ({ view: 'volume', target: row.id }),
  },
  volume: {
    id: 'volume',
    title: 'Replicas and orphaned data',
    // The object name goes last: an Orphan's is `orphan-` + 64 hex digits, and what the operator
    // acts on is the node, the directory and its suffix.
    columns: ['KIND', 'NODE', 'DATA DIRECTORY', 'DIR SUFFIX', 'STATE', 'NAME'],
    rows: (s, target) => {
      const v = s.volumes.find((x) => x.name === target);
      if (!v) return [];
      return [
        ...v.replicas.map((r): Row => ({ id: r.name, cells: ['replica', r.node, r.dataDir || '(not scheduled)', r.dataSuffix ?? '', r.state ?? '', r.name] })),
        ...v.orphans.map((o): Row => ({ id: o.name, cells: ['ORPHAN', o.node, o.dataName, o.dataSuffix ?? '', 'NEVER RENAME', o.name], tone: 'bad' })),
      ];
    },
  },
  vault: {
    id: 'vault',
    title: 'Vault Secrets Operator',
    columns: ['SECRET', 'KIND', 'LAST SYNC', 'LEASE', 'REASON'],
    rows: (s) => s.secrets.map((x) => ({ id: `${x.namespace}/${x.name}`, cells: [`${x.namespace}/${x.name}`, x.kind, clock(x.lastSync), x.fresh ? 'fresh' : 'STALE', x.reason ?? ''], tone: x.fresh ? 'ok' : 'warn' })),
  },
  apps: {
    id: 'apps',
    title: 'ArgoCD applications',
    columns: ['APPLICATION', 'SYNC', 'HEALTH', 'REVISION'],
    rows: (s) => s.apps.map((a) => ({ id: a.name, cells: [a.name, a.sync, a.health, a.revision ?? ''], tone: a.sync === 'Synced' && a.health === 'Healthy' ? 'ok' : a.health === 'Degraded' || a.health === 'Missing' ? 'bad' : 'warn' })),
  },
  workloads: {
    id: 'workloads',
    title: 'Workloads',
    columns: ['DEPLOYMENT', 'READY', 'RESTARTS', 'CRASH-LOOPING'],
    rows: (s) => s.workloads.map((w) => ({ id: `${w.namespace}/${w.name}`, cells: [`${w.namespace}/${w.name}`, `${w.ready}/${w.desired}`, podCell(s, w.restarts), podsListing(s) ? '…' : w.crashLooping.join(',')], tone: w.crashLooping.length ? 'bad' : w.ready < w.desired ? 'warn' : 'ok' })),
  },
  certificates: {
    id: 'certificates',
    title: 'Step-CA certificates',
    columns: ['CERTIFICATE', 'SOURCE', 'ISSUER', 'NOT AFTER', 'DAYS LEFT', 'CHAIN'],
    rows: (s) =>
      s.certificates.map((c) => ({
        id: `${c.source}:${c.name}`,
        cells: [c.name, c.source, c.issuer ?? '', c.notAfter?.slice(0, 10) ?? '', c.daysToExpiry === undefined ? '' : String(c.daysToExpiry), c.chainValid ? 'valid' : (c.error ?? 'INVALID')],
        tone: !c.chainValid ? 'bad' : (c.daysToExpiry ?? 0) < 14 ? 'warn' : 'ok',
      })),
  },
  databases: {
    id: 'databases',
    title: 'PostgreSQL databases',
    columns: ['DATABASE'],
    rows: (s) => (s.databases?.names ?? []).map((d) => ({ id: d, cells: [d] })),
  },
};

/** The lists each view shows, in tab order. */
export const VIEW_LISTS: Record<ViewId, ListId[]> = {
  overview: ['nodes', 'components', 'events'],
  nodes: ['nodes'],
  volumes: ['volumes'],
  volume: ['volume'],
  vault: ['vault'],
  apps: ['apps'],
  workloads: ['workloads'],
  certificates: ['certificates'],
  databases: ['databases'],
  events: ['events'],
};

export const VIEW_NAMES: readonly ViewId[] = ['overview', 'nodes', 'volumes', 'vault', 'apps', 'workloads', 'certificates', 'databases', 'events'];

export function filterRows(rows: Row[], filter: string | undefined): Row[] {
  if (!filter) return rows;
  const f = filter.toLowerCase();
  return rows.filter((r) => r.cells.some((c) => c.toLowerCase().includes(f)));
}
