import type { V1Deployment, V1Node, V1Pod } from '@kubernetes/client-node';
import type { ComponentRow, Health, NodeRow } from './types.ts';

/** Pure derivations from raw API objects to rows, shared by one-shot and live collection. */
export interface LonghornVolume {
  metadata?: { name?: string };
  status?: { robustness?: string; state?: string };
}

export interface ArgoApplication {
  metadata?: { name?: string };
  status?: { sync?: { status?: string }; health?: { status?: string } };
}

const iso = (d: Date | string | undefined) => (d ? new Date(d).toISOString() : undefined);

export function deriveNodes(nodes: V1Node[], pods: V1Pod[]): NodeRow[] {
  return nodes
    .map((n) => {
      const name = n.metadata?.name ?? '?';
      const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
      const labels = n.metadata?.labels ?? {};
      const roles = Object.keys(labels)
        .filter((l) => l.startsWith('node-role.kubernetes.io/'))
        .map((l) => l.slice('node-role.kubernetes.io/'.length));
      const onNode = pods.filter((p) => p.spec?.nodeName === name);
      return {
        name,
        roles: roles.length ? roles.sort() : ['agent'],
        ready: ready?.status === 'True' ? 'Ready' : ready?.status === 'False' ? 'NotReady' : 'Unknown',
        readySince: iso(ready?.lastTransitionTime),
        kubelet: n.status?.nodeInfo?.kubeletVersion ?? '?',
        arch: n.status?.nodeInfo?.architecture ?? '?',
        podsRunning: onNode.filter((p) => p.status?.phase === 'Running').length,
        podsPending: onNode.filter((p) => p.status?.phase === 'Pending').length,
      } satisfies NodeRow;
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

function worst(states: Health[]): Health {
  for (const s of ['down', 'degraded', 'unknown'] as const) if (states.includes(s)) return s;
  return 'healthy';
}

export function deriveLonghorn(volumes: LonghornVolume[]): ComponentRow {
  if (volumes.length === 0) return { id: 'longhorn', status: 'unknown', reason: 'no Longhorn volumes found' };
  const by = (r: string) => volumes.filter((v) => v.status?.robustness === r).map((v) => v.metadata?.name ?? '?');
  const faulted = by('faulted');
  const degraded = by('degraded');
  const status: Health = faulted.length ? 'down' : degraded.length ? 'degraded' : by('healthy').length === volumes.length ? 'healthy' : 'unknown';
  const parts = [faulted.length && `faulted: ${faulted.join(', ')}`, degraded.length && `degraded: ${degraded.join(', ')}`].filter(Boolean);
  return { id: 'longhorn', status, reason: parts.length ? parts.join('; ') : `${volumes.length} volumes ${status}` };
}

export function deriveArgo(apps: ArgoApplication[]): ComponentRow {
  if (apps.length === 0) return { id: 'argocd', status: 'unknown', reason: 'no Applications found' };
  const bad = apps.filter((a) => a.status?.sync?.status !== 'Synced' || a.status?.health?.status !== 'Healthy');
  const status = worst(bad.map((a) => (a.status?.health?.status === 'Missing' || a.status?.health?.status === 'Degraded' ? 'down' : 'degraded')));
  const reason = bad.length ? bad.map((a) => `${a.metadata?.name}: ${a.status?.sync?.status ?? '?'}/${a.status?.health?.status ?? '?'}`).join(', ') : `${apps.length} Applications Synced/Healthy`;
  return { id: 'argocd', status, reason };
}

export function deriveWorkloads(deployments: V1Deployment[], pods: V1Pod[]): ComponentRow {
  const crashing = pods.filter((p) => p.status?.containerStatuses?.some((c) => c.state?.waiting?.reason === 'CrashLoopBackOff')).map((p) => p.metadata?.name ?? '?');
  const short = deployments.filter((d) => (d.status?.readyReplicas ?? 0) < (d.spec?.replicas ?? 0)).map((d) => `${d.metadata?.name} ${d.status?.readyReplicas ?? 0}/${d.spec?.replicas}`);
  const status: Health = crashing.length ? 'down' : short.length ? 'degraded' : 'healthy';
  const reason = [crashing.length && `crash-looping: ${crashing.join(', ')}`, short.length && `not ready: ${short.join(', ')}`].filter(Boolean).join('; ');
  return { id: 'workloads', status, reason: reason || `${deployments.length} deployments ready` };
}

export function deriveVault(sealed: boolean | undefined, version?: string): ComponentRow {
  if (sealed === undefined) return { id: 'vault', status: 'unknown', reason: 'Vault not reachable' };
  return sealed ? { id: 'vault', status: 'down', reason: 'sealed: unseal with the sandbox key' } : { id: 'vault', status: 'healthy', reason: `unsealed${version ? `, ${version}` : ''}` };
}
