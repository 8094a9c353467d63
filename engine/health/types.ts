/** Domain types of the health view, shared by the engine and the screens. */
export type SourceId = 'kubernetes' | 'vault';
export type SourceStatus = 'connecting' | 'live' | 'stale' | 'refused';

export interface SourceState {
  id: SourceId;
  status: SourceStatus;
  /** ISO time the status last changed (outage start when stale). */
  since: string;
  lastOk?: string;
  error?: string;
}

export type Health = 'healthy' | 'degraded' | 'down' | 'unknown';

export interface NodeRow {
  name: string;
  roles: string[];
  ready: 'Ready' | 'NotReady' | 'Unknown';
  readySince?: string;
  kubelet: string;
  arch: string;
  podsRunning: number;
  podsPending: number;
}

export type ComponentId = 'longhorn' | 'vault' | 'argocd' | 'workloads';

export interface ComponentRow {
  id: ComponentId;
  status: Health;
  reason: string;
  since?: string;
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
}
