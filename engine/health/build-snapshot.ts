import type { CoreV1Event, V1Deployment, V1Node, V1Pod } from '@kubernetes/client-node';
import {
  clusterNow,
  deriveApps,
  deriveArgo,
  deriveLonghorn,
  deriveNodes,
  deriveSecrets,
  deriveVault,
  deriveVolumes,
  deriveVso,
  deriveWorkloadHealth,
  deriveWorkloads,
  type ArgoApplication,
  type LonghornOrphan,
  type LonghornReplica,
  type LonghornVolume,
  type VaultSecretResource,
} from './derive.ts';
import type { CertRow, ComponentRow, EventRow, SandboxView, Snapshot, SourceState } from './types.ts';

/** Everything the sources currently know, as raw API objects; absent when never seen. */
export interface RawState {
  kube?: {
    nodes: V1Node[];
    pods: V1Pod[];
    events: CoreV1Event[];
    deployments: V1Deployment[];
    volumes: LonghornVolume[];
    replicas: LonghornReplica[];
    orphans: LonghornOrphan[];
    apps: ArgoApplication[];
    vaultSecrets: VaultSecretResource[];
  };
  vault?: { sealed: boolean; version?: string; clusterName?: string };
  postgres?: { names: string[]; latencyMs: number };
  gitea?: { version?: string; latencyMs: number };
  stepca?: { certificates: CertRow[]; latencyMs: number };
}

export interface BuildContext {
  sandbox: SandboxView;
  sources: SourceState[];
  expectedKubelet?: string;
  /** The Events pane, newest first (see EventLog). */
  events: EventRow[];
  now: Date;
  /** Kubernetes lists still being read (the pods, on the first connection). */
  listing?: string[];
  forbidden?: { watch: string; message: string }[];
}

const unknown = (id: ComponentRow['id'], reason: string): ComponentRow => ({ id, status: 'unknown', reason });

function reachable(id: 'postgres' | 'gitea', raw: { latencyMs: number } | undefined, source: SourceState | undefined, detail: string): ComponentRow {
  if (!source) return unknown(id, 'not configured');
  if (source.status !== 'live' || !raw) return { id, status: 'down', reason: source.error ?? 'not reachable yet' };
  return { id, status: 'healthy', reason: `reachable, ${raw.latencyMs} ms${detail}` };
}

function stepcaHealth(raw: RawState['stepca'], source: SourceState | undefined): ComponentRow {
  if (!source) return unknown('stepca', 'not configured');
  if (source.status !== 'live' || !raw) return { id: 'stepca', status: 'down', reason: source.error ?? 'CA not reachable' };
  const broken = raw.certificates.filter((c) => !c.chainValid);
  const expiring = raw.certificates.filter((c) => c.daysToExpiry !== undefined && c.daysToExpiry < 14);
  if (broken.length) return { id: 'stepca', status: 'down', reason: `not valid: ${broken.map((c) => `${c.name} (${c.error ?? 'chain invalid'})`).join(', ')}` };
  if (expiring.length) return { id: 'stepca', status: 'degraded', reason: `expiring: ${expiring.map((c) => `${c.name} ${c.daysToExpiry}d`).join(', ')}` };
  return { id: 'stepca', status: 'healthy', reason: `${raw.certificates.length} certificates valid` };
}

/** The single place raw state becomes the immutable snapshot screens and `status --json` show. */
export function buildSnapshot(raw: RawState, ctx: BuildContext): Snapshot {
  const k = raw.kube;
  const src = (id: SourceState['id']) => ctx.sources.find((s) => s.id === id);
  const volumes = k ? deriveVolumes(k.volumes, k.replicas, k.orphans) : [];
  const apps = k ? deriveApps(k.apps) : [];
  const workloads = k ? deriveWorkloads(k.deployments, k.pods) : [];
  const nowSec = (k && clusterNow(k.events, k.nodes)) ?? ctx.now.getTime() / 1000;
  const secrets = k ? deriveSecrets(k.vaultSecrets, nowSec) : [];
  const kubeMissing = 'Kubernetes API not reached yet';
  const podsListing = ctx.listing?.includes('pods') ?? false;
  const components: ComponentRow[] = [
    k ? deriveLonghorn(volumes) : unknown('longhorn', kubeMissing),
    raw.vault ? deriveVault(raw.vault.sealed, raw.vault.version) : src('vault') ? deriveVault(undefined) : unknown('vault', 'not configured'),
    k ? deriveVso(secrets) : unknown('vso', kubeMissing),
    k ? deriveArgo(apps) : unknown('argocd', kubeMissing),
    reachable('postgres', raw.postgres, src('postgres'), raw.postgres ? `, ${raw.postgres.names.length} databases` : ''),
    reachable('gitea', raw.gitea, src('gitea'), raw.gitea?.version ? `, ${raw.gitea.version}` : ''),
    stepcaHealth(raw.stepca, src('stepca')),
    !k ? unknown('workloads', kubeMissing) : podsListing ? unknown('workloads', 'listing pods…') : deriveWorkloadHealth(workloads),
  ];
  return {
    schema: 'lab-tui/status@1',
    takenAt: ctx.now.toISOString(),
    sandbox: ctx.sandbox,
    sources: ctx.sources,
    nodes: k ? deriveNodes(k.nodes, k.pods, k.replicas, ctx.expectedKubelet) : [],
    components,
    volumes,
    apps,
    secrets,
    workloads,
    certificates: raw.stepca?.certificates ?? [],
    vault: raw.vault,
    databases: raw.postgres,
    events: ctx.events,
    ...(ctx.listing?.length ? { listing: ctx.listing } : {}),
    ...(ctx.forbidden?.length ? { forbidden: ctx.forbidden } : {}),
  };
}
