import type { RawState } from '../../engine/health/build-snapshot.ts';
import { buildSnapshot } from '../../engine/health/build-snapshot.ts';
import { EventLog } from '../../engine/health/event-log.ts';
import type { Snapshot, SourceState } from '../../engine/health/types.ts';

/** A healthy sandbox as the API would describe it, for screen and derivation tests. */
export const T0 = '2026-11-23T10:00:00.000Z';

const node = (name: string, ready: 'True' | 'False' | 'Unknown', roles: string[] = [], kubelet = 'v1.34.3+k3s1') => ({
  metadata: { name, labels: Object.fromEntries(roles.map((r) => [`node-role.kubernetes.io/${r}`, 'true'])) },
  status: { conditions: [{ type: 'Ready', status: ready, lastTransitionTime: new Date(T0), lastHeartbeatTime: new Date(T0) }], nodeInfo: { kubeletVersion: kubelet, architecture: 'arm64' } },
});

const pod = (ns: string, name: string, nodeName: string, app: string, crash = false) => ({
  metadata: { namespace: ns, name, labels: { app } },
  spec: { nodeName },
  status: { phase: crash ? 'Running' : 'Running', containerStatuses: [{ name: app, restartCount: crash ? 7 : 0, state: crash ? { waiting: { reason: 'CrashLoopBackOff' } } : { running: {} } }] },
});

const deployment = (ns: string, name: string, ready: number, desired: number) => ({ metadata: { namespace: ns, name }, spec: { replicas: desired, selector: { matchLabels: { app: name } } }, status: { readyReplicas: ready } });

const volume = (name: string, robustness = 'healthy') => ({ metadata: { name }, status: { robustness, state: 'attached' } });
// As longhorn-manager names them: `<volume>-r-<8 hex>`, each replica in its own `<volume>-<8 hex>` directory.
const replica = (volumeName: string, nodeID: string, replicaId: string, dirId: string) => ({ metadata: { name: `${volumeName}-r-${replicaId}` }, spec: { volumeName, nodeID, engineName: `${volumeName}-e-0`, dataDirectoryName: `${volumeName}-${dirId}` }, status: { currentState: 'running' } });

export function healthyRaw(): RawState {
  return {
    kube: {
      nodes: [node('pi1', 'True', ['control-plane', 'master']), node('pi2', 'True'), node('pi3', 'True')] as never,
      pods: [pod('erp', 'erp-7d9f-abcde', 'pi2', 'erp'), pod('webapp', 'webapp-1', 'pi3', 'webapp')] as never,
      events: [{ metadata: { name: 'e1' }, type: 'Normal', reason: 'Scheduled', message: 'assigned erp/erp-7d9f-abcde to pi2', involvedObject: { kind: 'Pod', name: 'erp-7d9f-abcde' }, lastTimestamp: new Date(T0) }] as never,
      deployments: [deployment('erp', 'erp', 1, 1), deployment('webapp', 'webapp', 1, 1)] as never,
      volumes: [volume('pvc-erp-data'), volume('backups-rwx')],
      replicas: ['pi1', 'pi2', 'pi3'].flatMap((n, i) => [replica('pvc-erp-data', n, `5e7a9c0${i}`, `a1b2c3d${i}`), replica('backups-rwx', n, `9d8c7b6${i}`, `f0e1d2c${i}`)]),
      orphans: [],
      apps: ['lab-apps', 'erp', 'vault'].map((name) => ({ metadata: { name }, status: { sync: { status: 'Synced', revision: 'main' }, health: { status: 'Healthy' } } })),
      vaultSecrets: [{ kind: 'VaultDynamicSecret', metadata: { namespace: 'erp', name: 'erp-db-creds' }, status: { lastRenewalTime: Date.parse(T0) / 1000 - 60, secretLease: { duration: 600 } } }],
    },
    vault: { sealed: false, version: '1.17.6', clusterName: 'vault-cluster-sandbox' },
    postgres: { names: ['erp', 'gitea', 'postgres', 'webapp'], latencyMs: 3 },
    gitea: { version: '1.22.3', latencyMs: 2 },
    stepca: { certificates: [{ name: 'erp.sandbox.arcodange.lab', source: 'ingress', issuer: 'Arcodange Sandbox Root CA', notAfter: '2027-01-22T00:00:00Z', daysToExpiry: 60, chainValid: true }], latencyMs: 2 },
  };
}

export const liveSources = (at = T0): SourceState[] => (['kubernetes', 'vault', 'postgres', 'gitea', 'stepca'] as const).map((id) => ({ id, status: 'live', since: at, lastOk: at }));

export function snapshotOf(raw: RawState, sources: SourceState[] = liveSources()): Snapshot {
  const log = new EventLog();
  log.addCluster(raw.kube?.events ?? []);
  return buildSnapshot(raw, { sandbox: { name: 'lab-sim', context: 'lab-sim', server: 'http://127.0.0.1:1', simulated: true }, sources, events: log.list(), now: new Date(T0), expectedKubelet: 'v1.34.3+k3s1' });
}

export { node, pod, replica, volume, deployment };
