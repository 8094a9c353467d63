/**
 * The fields of the Kubernetes API lab-tui reads, per kind: the health derivations
 * (engine/health/derive.ts, projections.ts), the probes and gates built on them (engine/gates/,
 * engine/runbook/evaluate-probe.ts reads the derived rows), and the runbooks' kubectl jsonpaths.
 * Each path is a schema path (`[]` any item, `*` any map key); `compared` lists the values the
 * code compares it against. A conformance test holds every path and value to the upstream
 * schemas, so a field read that no schema has, or a value no upstream code sets, fails there.
 * The constants below are the ones the code compares with, so the list and the code cannot part.
 */

export const NODE_READY = { type: 'Ready', status: 'True' } as const;
export const POD_PHASE = { running: 'Running', pending: 'Pending' } as const;
export const CRASH_LOOP = 'CrashLoopBackOff';
export const EVENT_WARNING = 'Warning';
export const VOLUME_ROBUSTNESS = { healthy: 'healthy', degraded: 'degraded', faulted: 'faulted' } as const;
export const VOLUME_DETACHED = 'detached';
export const APP_SYNCED = 'Synced';
export const VSS_KIND = 'VaultStaticSecret';
export const APP_HEALTH = { healthy: 'Healthy', missing: 'Missing', degraded: 'Degraded' } as const;

export interface FieldsRead {
  group: string;
  version: string;
  kind: string;
  /** Path → the values compared with it (empty: read and shown, never compared). */
  fields: Record<string, readonly string[]>;
}

const shown: readonly string[] = [];

export const FIELDS_READ: readonly FieldsRead[] = [
  {
    group: '',
    version: 'v1',
    kind: 'Node',
    fields: {
      'metadata.name': shown,
      'metadata.labels': shown,
      'status.conditions[].type': [NODE_READY.type],
      'status.conditions[].status': [NODE_READY.status],
      'status.conditions[].lastTransitionTime': shown,
      'status.conditions[].lastHeartbeatTime': shown,
      'status.nodeInfo.kubeletVersion': shown,
      'status.nodeInfo.architecture': shown,
    },
  },
  {
    group: '',
    version: 'v1',
    kind: 'Pod',
    fields: {
      'metadata.name': shown,
      'metadata.namespace': shown,
      'metadata.labels': shown,
      'spec.nodeName': shown,
      'spec.containers[].envFrom[].secretRef.name': shown,
      'spec.containers[].env[].valueFrom.secretKeyRef.name': shown,
      'status.phase': [POD_PHASE.running, POD_PHASE.pending],
      'status.conditions[].type': [NODE_READY.type],
      'status.conditions[].status': [NODE_READY.status],
      'status.containerStatuses[].name': shown,
      'status.containerStatuses[].ready': shown,
      'status.containerStatuses[].restartCount': shown,
      'status.containerStatuses[].state.waiting.reason': [CRASH_LOOP],
    },
  },
  {
    group: '',
    version: 'v1',
    kind: 'Event',
    fields: {
      'metadata.creationTimestamp': shown,
      'involvedObject.kind': shown,
      'involvedObject.name': shown,
      type: [EVENT_WARNING],
      reason: shown,
      message: shown,
      count: shown,
      lastTimestamp: shown,
      eventTime: shown,
    },
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    fields: { 'metadata.namespace': shown, 'spec.replicas': shown, 'spec.selector.matchLabels': shown, 'spec.template.spec.containers[].image': shown, 'status.readyReplicas': shown },
  },
  { group: 'apps', version: 'v1', kind: 'DaemonSet', fields: { 'spec.template.spec.containers[].image': shown } },
  {
    group: 'longhorn.io',
    version: 'v1beta2',
    kind: 'Volume',
    fields: {
      'spec.image': shown,
      'status.robustness': Object.values(VOLUME_ROBUSTNESS),
      'status.state': [VOLUME_DETACHED],
      // CLUSTER_RECOVERY.md checks the volume is attached with its data: `{.status.frontendDisabled} {.status.actualSize}`.
      'status.frontendDisabled': shown,
      'status.actualSize': shown,
    },
  },
  {
    group: 'longhorn.io',
    version: 'v1beta2',
    kind: 'Replica',
    fields: { 'spec.nodeID': shown, 'spec.volumeName': shown, 'spec.dataDirectoryName': shown, 'status.currentState': shown },
  },
  { group: 'longhorn.io', version: 'v1beta2', kind: 'Orphan', fields: { 'metadata.name': shown, 'spec.nodeID': shown, 'spec.parameters': shown, 'spec.orphanType': shown } },
  {
    group: 'argoproj.io',
    version: 'v1alpha1',
    kind: 'Application',
    fields: {
      'spec.source.targetRevision': shown,
      'status.sync.status': [APP_SYNCED],
      'status.sync.revision': shown,
      'status.health.status': Object.values(APP_HEALTH),
      'status.conditions[].type': shown,
    },
  },
  {
    group: 'secrets.hashicorp.com',
    version: 'v1beta1',
    kind: 'VaultDynamicSecret',
    fields: { 'spec.destination.name': shown, 'status.lastRenewalTime': shown, 'status.secretLease.duration': shown },
  },
  { group: 'secrets.hashicorp.com', version: 'v1beta1', kind: 'VaultStaticSecret', fields: { kind: [VSS_KIND], 'status.lastGeneration': shown, 'status.secretMAC': shown } },
];
