import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { healthTransitions } from '../../engine/drills/health-transitions.ts';
import type { AppRow, NodeRow, Snapshot, VolumeRow } from '../../engine/health/types.ts';
import { stubSnapshot } from '../helpers/engine-stub.ts';

const node = (name: string, ready: NodeRow['ready']): NodeRow => ({ name, roles: [], ready, kubelet: 'v1.31.4+k3s1', kubeletDrift: false, arch: 'arm64', podsRunning: 3, podsPending: 0, replicas: 1 });
const volume = (name: string, robustness: string): VolumeRow => ({ name, robustness, state: 'attached', replicas: [], orphans: [] });
const app = (name: string, sync: string, health: string): AppRow => ({ name, sync, health });

/** The lab at rest: three nodes Ready, Vault unsealed, the ERP volume healthy, the ERP app synced. */
function healthy(): Snapshot {
  return {
    ...stubSnapshot({ sealed: false }),
    nodes: [node('pi1', 'Ready'), node('pi2', 'Ready'), node('pi3', 'Ready')],
    volumes: [volume('pvc-erp-data', 'healthy')],
    apps: [app('erp', 'Synced', 'Healthy')],
  };
}

describe('health transitions between two snapshots', () => {
  it('sees nothing when nothing an operator watches changed', () => {
    const before = healthy();
    // Pods, events and the snapshot time churn all the time: not transitions.
    const after = { ...healthy(), takenAt: '2026-11-20T10:00:05.000Z', events: [{ at: '2026-11-20T10:00:04.000Z', origin: 'cluster' as const, type: 'Normal' as const, object: 'pod/erp', reason: 'Pulled', message: 'pulled' }], nodes: healthy().nodes.map((n) => ({ ...n, podsRunning: 9 })) };
    assert.deepEqual(healthTransitions(before, after), []);
    assert.deepEqual(healthTransitions(before, before), []);
  });

  it('names each changed fact with its subject, from and to', () => {
    const before = healthy();
    const after: Snapshot = {
      ...healthy(),
      sources: before.sources.map((s) => (s.id === 'vault' ? { ...s, status: 'stale' } : s)),
      nodes: [node('pi1', 'Ready'), node('pi2', 'NotReady'), node('pi3', 'Ready')],
      vault: { sealed: true },
      volumes: [volume('pvc-erp-data', 'degraded')],
      apps: [app('erp', 'OutOfSync', 'Degraded')],
    };
    assert.deepEqual(healthTransitions(before, after), [
      { subject: 'source/vault', from: 'live', to: 'stale' },
      { subject: 'node/pi2', from: 'Ready', to: 'NotReady' },
      { subject: 'vault', from: 'unsealed', to: 'sealed' },
      { subject: 'volume/pvc-erp-data', from: 'healthy', to: 'degraded' },
      { subject: 'app/erp', from: 'Synced/Healthy', to: 'OutOfSync/Degraded' },
    ]);
  });

  it('says absent for an object that went away or appeared, unknown for a Vault that never answered', () => {
    const before = healthy();
    const after: Snapshot = { ...healthy(), nodes: [node('pi1', 'Ready'), node('pi2', 'Ready')], volumes: [volume('pvc-erp-data-2', 'healthy')], vault: undefined };
    assert.deepEqual(healthTransitions(before, after), [
      { subject: 'vault', from: 'unsealed', to: 'unknown' },
      { subject: 'volume/pvc-erp-data-2', from: 'absent', to: 'healthy' },
      { subject: 'node/pi3', from: 'Ready', to: 'absent' },
      { subject: 'volume/pvc-erp-data', from: 'healthy', to: 'absent' },
    ]);
  });

  it('records a recovery as the reverse transition', () => {
    const broken: Snapshot = { ...healthy(), vault: { sealed: true } };
    assert.deepEqual(healthTransitions(broken, healthy()), [{ subject: 'vault', from: 'sealed', to: 'unsealed' }]);
  });
});
