import type { CoreV1Event, V1Deployment, V1Node, V1Pod } from '@kubernetes/client-node';
import { APP_HEALTH, APP_SYNCED, CRASH_LOOP, EVENT_WARNING, NODE_READY, POD_PHASE, VOLUME_DETACHED, VOLUME_ROBUSTNESS, VSS_KIND } from './fields-read.ts';
import type { AppRow, ComponentRow, EventRow, Health, NodeRow, OrphanRow, SecretRow, VolumeRow, WorkloadRow } from './types.ts';

/** Pure derivations from raw API objects to rows, shared by one-shot and live collection. */
interface Meta {
  metadata?: { name?: string; namespace?: string; creationTimestamp?: string | Date };
}

export interface LonghornVolume extends Meta {
  status?: { robustness?: string; state?: string };
}

export interface LonghornReplica extends Meta {
  spec?: { nodeID?: string; volumeName?: string; engineName?: string; dataDirectoryName?: string };
  status?: { currentState?: string };
}

export interface LonghornOrphan extends Meta {
  spec?: { nodeID?: string; orphanType?: string; parameters?: Record<string, string> };
}

export interface ArgoApplication extends Meta {
  spec?: { source?: { targetRevision?: string } };
  status?: { sync?: { status?: string; revision?: string }; health?: { status?: string } };
}

export interface VaultSecretResource extends Meta {
  kind?: string;
  status?: { lastRenewalTime?: number; secretLease?: { duration?: number }; lastGeneration?: number; secretMAC?: string };
}

const iso = (d: Date | string | undefined) => (d ? new Date(d).toISOString() : undefined);
const nameOf = (o: Meta) => o.metadata?.name ?? '?';

function groupBy<T>(items: T[], key: (t: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Pods and replicas are indexed by node once, so a 500-node, 20,000-pod sandbox stays linear. */
export function deriveNodes(nodes: V1Node[], pods: V1Pod[], replicas: LonghornReplica[] = [], expectedKubelet?: string): NodeRow[] {
  const podsByNode = groupBy(pods, (p) => p.spec?.nodeName);
  const replicasByNode = groupBy(replicas, (r) => r.spec?.nodeID);
  return nodes
    .map((n) => {
      const name = nameOf(n);
      const ready = n.status?.conditions?.find((c) => c.type === NODE_READY.type);
      const roles = Object.keys(n.metadata?.labels ?? {})
        .filter((l) => l.startsWith('node-role.kubernetes.io/'))
        .map((l) => l.slice('node-role.kubernetes.io/'.length));
      const onNode = podsByNode.get(name) ?? [];
      const kubelet = n.status?.nodeInfo?.kubeletVersion ?? '?';
      let running = 0;
      let pending = 0;
      for (const p of onNode) {
        if (p.status?.phase === POD_PHASE.running) running++;
        else if (p.status?.phase === POD_PHASE.pending) pending++;
      }
      return {
        name,
        roles: roles.length ? roles.sort() : ['agent'],
        ready: ready?.status === NODE_READY.status ? 'Ready' : 'NotReady',
        readySince: iso(ready?.lastTransitionTime),
        kubelet,
        kubeletDrift: expectedKubelet !== undefined && kubelet !== expectedKubelet,
        arch: n.status?.nodeInfo?.architecture ?? '?',
        podsRunning: running,
        podsPending: pending,
        replicas: replicasByNode.get(name)?.length ?? 0,
      } satisfies NodeRow;
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

function worst(states: Health[]): Health {
  for (const s of ['down', 'degraded', 'unknown'] as const) if (states.includes(s)) return s;
  return 'healthy';
}

/**
 * Longhorn's replica scheduler names every replica directory `<volume>-<8 hex>`: the suffix is what
 * the lab's seeds call the "engine ID". A replica not scheduled yet has no directory.
 */
function dataDirSuffix(volume: string, dataDir: string): string | undefined {
  const suffix = dataDir.startsWith(`${volume}-`) ? dataDir.slice(volume.length + 1) : '';
  return /^[0-9a-f]{8}$/.test(suffix) ? suffix : undefined;
}

export function deriveVolumes(volumes: LonghornVolume[], replicas: LonghornReplica[], orphans: LonghornOrphan[]): VolumeRow[] {
  const orphanRows: OrphanRow[] = orphans.map((o) => {
    const dataName = o.spec?.parameters?.DataName ?? '';
    const volume = volumes.map(nameOf).find((v) => dataDirSuffix(v, dataName) !== undefined);
    return { name: nameOf(o), node: o.spec?.nodeID ?? '?', dataName, dataSuffix: volume ? dataDirSuffix(volume, dataName) : undefined, volume };
  });
  return volumes
    .map((v) => {
      const name = nameOf(v);
      return {
        name,
        robustness: v.status?.robustness ?? 'unknown',
        state: v.status?.state ?? 'unknown',
        replicas: replicas
          .filter((r) => r.spec?.volumeName === name)
          .map((r) => {
            const dataDir = r.spec?.dataDirectoryName ?? '';
            return { name: nameOf(r), node: r.spec?.nodeID ?? '?', dataDir, dataSuffix: dataDirSuffix(name, dataDir), state: r.status?.currentState };
          })
          .sort((a, b) => a.node.localeCompare(b.node)),
        orphans: orphanRows.filter((o) => o.volume === name),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function deriveLonghorn(volumes: VolumeRow[]): ComponentRow {
  if (volumes.length === 0) return { id: 'longhorn', status: 'unknown', reason: 'no Longhorn volumes found' };
  const names = (pick: (v: VolumeRow) => boolean) => volumes.filter(pick).map((v) => v.name);
  const faulted = names((v) => v.robustness === VOLUME_ROBUSTNESS.faulted);
  const degraded = names((v) => v.robustness === VOLUME_ROBUSTNESS.degraded);
  const orphaned = names((v) => v.orphans.length > 0);
  // Longhorn reports robustness "unknown" for every detached volume: that is normal, not a fault.
  const detached = names((v) => v.state === VOLUME_DETACHED);
  const unclear = names((v) => v.state !== VOLUME_DETACHED && !(Object.values(VOLUME_ROBUSTNESS) as string[]).includes(v.robustness));
  const status: Health = faulted.length ? 'down' : degraded.length || orphaned.length ? 'degraded' : unclear.length ? 'unknown' : 'healthy';
  const parts = [
    faulted.length && `faulted: ${faulted.join(', ')}`,
    degraded.length && `degraded: ${degraded.join(', ')}`,
    orphaned.length && `orphaned data: ${orphaned.join(', ')}`,
    unclear.length && `${unclear.join(', ')} ${unclear.length > 1 ? 'are' : 'is'} ${volumes.find((v) => v.name === unclear[0])?.state}`,
  ].filter(Boolean);
  const summary = `${volumes.length - detached.length} attached healthy${detached.length ? `, ${detached.length} detached` : ''}`;
  return { id: 'longhorn', status, reason: parts.length ? parts.join('; ') : summary };
}

export function deriveApps(apps: ArgoApplication[]): AppRow[] {
  return apps
    .map((a) => ({ name: nameOf(a), sync: a.status?.sync?.status ?? 'Unknown', health: a.status?.health?.status ?? 'Unknown', revision: a.status?.sync?.revision ?? a.spec?.source?.targetRevision }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function deriveArgo(apps: AppRow[]): ComponentRow {
  if (apps.length === 0) return { id: 'argocd', status: 'unknown', reason: 'no Applications found' };
  const bad = apps.filter((a) => a.sync !== APP_SYNCED || a.health !== APP_HEALTH.healthy);
  const status = worst(bad.map((a) => (a.health === APP_HEALTH.missing || a.health === APP_HEALTH.degraded ? 'down' : 'degraded')));
  const reason = bad.length ? bad.map((a) => `${a.name}: ${a.sync}/${a.health}`).join(', ') : `${apps.length} Applications Synced/Healthy`;
  return { id: 'argocd', status, reason };
}

export function deriveWorkloads(deployments: V1Deployment[], pods: V1Pod[]): WorkloadRow[] {
  const podsByNamespace = groupBy(pods, (p) => p.metadata?.namespace);
  return deployments
    .map((d) => {
      const ns = d.metadata?.namespace ?? '';
      const selector = Object.entries(d.spec?.selector?.matchLabels ?? {});
      const own = (podsByNamespace.get(ns) ?? []).filter((p) => selector.every(([k, v]) => p.metadata?.labels?.[k] === v));
      return {
        namespace: ns,
        name: nameOf(d),
        ready: d.status?.readyReplicas ?? 0,
        desired: d.spec?.replicas ?? 0,
        restarts: own.reduce((n, p) => n + (p.status?.containerStatuses ?? []).reduce((m, c) => m + (c.restartCount ?? 0), 0), 0),
        crashLooping: own.filter((p) => p.status?.containerStatuses?.some((c) => c.state?.waiting?.reason === CRASH_LOOP)).map(nameOf),
      };
    })
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

export function deriveWorkloadHealth(rows: WorkloadRow[]): ComponentRow {
  const crashing = rows.filter((r) => r.crashLooping.length);
  const short = rows.filter((r) => r.ready < r.desired);
  const status: Health = crashing.length ? 'down' : short.length ? 'degraded' : 'healthy';
  const reason = [
    crashing.length && `crash-looping: ${crashing.map((r) => `${r.name} (${r.restarts} restarts)`).join(', ')}`,
    short.length && `not ready: ${short.map((r) => `${r.name} ${r.ready}/${r.desired}`).join(', ')}`,
  ]
    .filter(Boolean)
    .join('; ');
  return { id: 'workloads', status, reason: reason || `${rows.length} deployments ready` };
}

/**
 * Lease freshness is judged against the cluster's own clock (`clusterNowSec`, the newest
 * timestamp it reported), not this workstation's: VM clocks drift after a power cut.
 */
export function deriveSecrets(resources: VaultSecretResource[], clusterNowSec: number): SecretRow[] {
  return resources
    .map((r) => {
      const dynamic = r.kind !== VSS_KIND;
      const last = r.status?.lastRenewalTime;
      const duration = r.status?.secretLease?.duration;
      const fresh = dynamic ? last !== undefined && last > 0 && duration !== undefined && last + duration > clusterNowSec : (r.status?.lastGeneration ?? 0) > 0;
      const reason = fresh ? undefined : dynamic && last ? 'lease expired: VSO has not re-authenticated' : 'never synced';
      return { namespace: r.metadata?.namespace ?? '', name: nameOf(r), kind: dynamic ? 'dynamic' : 'static', lastSync: last ? new Date(last * 1000).toISOString() : undefined, fresh, reason } satisfies SecretRow;
    })
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

export function deriveVso(rows: SecretRow[]): ComponentRow {
  const stale = rows.filter((r) => r.kind === 'dynamic' && !r.fresh);
  if (rows.length === 0) return { id: 'vso', status: 'unknown', reason: 'no VSO secrets found' };
  return stale.length ? { id: 'vso', status: 'degraded', reason: `stale: ${stale.map((r) => r.name).join(', ')}` } : { id: 'vso', status: 'healthy', reason: `${rows.length} secrets fresh` };
}

export function deriveVault(sealed: boolean | undefined, version?: string): ComponentRow {
  if (sealed === undefined) return { id: 'vault', status: 'unknown', reason: 'Vault not reachable' };
  return sealed ? { id: 'vault', status: 'down', reason: 'sealed: unseal with the sandbox key' } : { id: 'vault', status: 'healthy', reason: `unsealed${version ? `, ${version}` : ''}` };
}

export function deriveClusterEvents(events: CoreV1Event[], limit: number): EventRow[] {
  return events
    .map((e) => ({
      at: iso(e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp) ?? '',
      origin: 'cluster' as const,
      type: e.type === EVENT_WARNING ? ('Warning' as const) : ('Normal' as const),
      object: `${(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? '?'}`,
      reason: e.reason ?? '',
      message: e.message ?? '',
    }))
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, limit);
}

/** The newest timestamp the cluster reported, in seconds: its notion of "now". */
export function clusterNow(events: CoreV1Event[], nodes: V1Node[]): number | undefined {
  let newest = 0;
  for (const e of events) newest = Math.max(newest, new Date(e.lastTimestamp ?? e.eventTime ?? 0).getTime());
  for (const n of nodes) for (const c of n.status?.conditions ?? []) newest = Math.max(newest, new Date(c.lastHeartbeatTime ?? 0).getTime());
  return newest ? newest / 1000 : undefined;
}
