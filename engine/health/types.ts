/** Domain types of the health view, shared by the engine and the screens. */
export type SourceId = 'kubernetes' | 'vault' | 'postgres' | 'gitea' | 'stepca';
/** `down`: never reached since start; `stale`: reached before, lost now (last data kept). */
export type SourceStatus = 'connecting' | 'live' | 'stale' | 'down' | 'refused';

export interface SourceState {
  id: SourceId;
  status: SourceStatus;
  /** ISO time the status last changed: the outage start while stale. */
  since: string;
  lastOk?: string;
  error?: string;
  latencyMs?: number;
}

export type Health = 'healthy' | 'degraded' | 'down' | 'unknown';

export interface NodeRow {
  name: string;
  roles: string[];
  /** As kubectl shows it: a Ready condition that is False or Unknown is NotReady. */
  ready: 'Ready' | 'NotReady';
  readySince?: string;
  kubelet: string;
  /** The kubelet differs from the parity manifest's Kubernetes version. */
  kubeletDrift: boolean;
  arch: string;
  podsRunning: number;
  podsPending: number;
  /** Longhorn replicas hosted on the node. */
  replicas: number;
}

export type ComponentId = 'longhorn' | 'vault' | 'vso' | 'argocd' | 'postgres' | 'gitea' | 'stepca' | 'workloads';

/** The source each component's health is read from: when it is stale, so is the component's row. */
export const COMPONENT_SOURCE: Record<ComponentId, SourceId> = { longhorn: 'kubernetes', vault: 'vault', vso: 'kubernetes', argocd: 'kubernetes', postgres: 'postgres', gitea: 'gitea', stepca: 'stepca', workloads: 'kubernetes' };

/** Whether what a component row says is old news: its source is not live now. */
export function componentStale(s: { sources: { id: SourceId; status: string }[] }, id: ComponentId): boolean {
  const status = s.sources.find((x) => x.id === COMPONENT_SOURCE[id])?.status;
  return status === 'stale' || status === 'down';
}

export interface ComponentRow {
  id: ComponentId;
  status: Health;
  reason: string;
  /** ISO time the status last changed, as observed by lab-tui. */
  since?: string;
}

export interface ReplicaRow {
  name: string;
  node: string;
  /** spec.dataDirectoryName, `<volume>-<8 hex>`; empty until the replica is scheduled. */
  dataDir: string;
  /** The directory's 8-hex suffix: what the seeds call the "engine ID". */
  dataSuffix?: string;
  state?: string;
}

/** A data-bearing replica directory no replica uses any more (never rename it). */
export interface OrphanRow {
  name: string;
  node: string;
  /** spec.parameters.DataName: the orphaned directory. */
  dataName: string;
  dataSuffix?: string;
  volume?: string;
}

export interface VolumeRow {
  name: string;
  robustness: string;
  state: string;
  replicas: ReplicaRow[];
  orphans: OrphanRow[];
}

export interface AppRow {
  name: string;
  sync: string;
  health: string;
  revision?: string;
}

export interface SecretRow {
  namespace: string;
  name: string;
  kind: 'dynamic' | 'static';
  lastSync?: string;
  fresh: boolean;
  reason?: string;
}

export interface WorkloadRow {
  namespace: string;
  name: string;
  ready: number;
  desired: number;
  restarts: number;
  crashLooping: string[];
}

/** Where a certificate was found: served by a TLS endpoint, by Traefik for an Ingress host, or in a kubernetes.io/tls Secret. */
export type CertSource = 'endpoint' | 'ingress' | 'secret';

export interface CertRow {
  /** `host` (endpoint, ingress) or `namespace/name` (secret). */
  name: string;
  source: CertSource;
  /** The leaf's subject and issuer common names, when a certificate was read. */
  subject?: string;
  issuer?: string;
  notAfter?: string;
  daysToExpiry?: number;
  /** Chains to Step-CA's current root, is inside its validity and (served) matches the host. */
  chainValid: boolean;
  /** Why not, in the verifier's words (OpenSSL's, Node's), or why nothing could be read. */
  error?: string;
}

export interface EventRow {
  at: string;
  origin: 'cluster' | 'lab-tui';
  type: 'Normal' | 'Warning';
  object: string;
  reason: string;
  message: string;
}

export interface SandboxView {
  name: string;
  context: string;
  server: string;
  vault?: string;
  simulated: boolean;
}

/** One immutable picture of the sandbox; `lab-tui status --json` prints exactly this. */
export interface Snapshot {
  schema: 'lab-tui/status@1';
  takenAt: string;
  sandbox: SandboxView;
  sources: SourceState[];
  nodes: NodeRow[];
  components: ComponentRow[];
  volumes: VolumeRow[];
  apps: AppRow[];
  secrets: SecretRow[];
  workloads: WorkloadRow[];
  certificates: CertRow[];
  vault?: { sealed: boolean; version?: string; clusterName?: string };
  databases?: { names: string[]; latencyMs: number };
  events: EventRow[];
  /**
   * Kubernetes lists still being read on the first connection (`pods`): what they feed (pods per
   * node, restarts and crash loops, the workloads component) is not known yet.
   */
  listing?: string[];
  /** Watches the API server refused (403): their panes say what is missing, the others stay live. */
  forbidden?: { watch: string; message: string }[];
}
