import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventLog } from '../../engine/health/event-log.ts';
import { observe } from '../../engine/health/observations.ts';
import { healthyRaw, liveSources, node, snapshotOf, volume } from '../helpers/raw-state.ts';

describe("lab-tui's own observations", () => {
  const before = snapshotOf(healthyRaw());

  it('says nothing when nothing changed, or on the first snapshot', () => {
    assert.deepEqual(observe(before, snapshotOf(healthyRaw())), []);
    assert.deepEqual(observe(undefined, before), []);
  });

  it('phrases node, volume, Vault and source changes the way an operator would', () => {
    const raw = healthyRaw();
    raw.kube!.nodes[1] = node('pi2', 'Unknown') as never;
    raw.kube!.volumes[0] = volume('pvc-erp-data', 'degraded');
    raw.vault = { sealed: true };
    const sources = liveSources().map((s) => (s.id === 'gitea' ? { ...s, status: 'stale' as const, error: 'fetch failed' } : s));
    const messages = observe(before, snapshotOf(raw, sources)).map((e) => e.message);
    assert.ok(messages.includes('node pi2 went NotReady'), messages.join('\n'));
    assert.ok(messages.includes('volume pvc-erp-data is degraded'));
    assert.ok(messages.includes('Vault sealed'));
    assert.ok(messages.includes('gitea unreachable: showing last known state (fetch failed)'));
  });

  it('warns about orphaned replica data without ever suggesting a rename', () => {
    const raw = healthyRaw();
    raw.kube!.orphans = [{ metadata: { name: 'o1' }, spec: { nodeID: 'pi1', parameters: { DataName: 'pvc-erp-data-deadbeef' } } }];
    const [orphan] = observe(before, snapshotOf(raw)).filter((e) => e.reason === 'OrphanedData');
    assert.match(orphan!.message, /pvc-erp-data-deadbeef.*do not rename, use block-device injection/);
  });
});

describe('the Events pane log', () => {
  const ev = (name: string, rv: string) => ({ metadata: { uid: name, name, resourceVersion: rv }, type: 'Normal', reason: 'R', message: name, involvedObject: { kind: 'Pod', name }, lastTimestamp: new Date('2030-01-01T00:00:00Z') });

  it('is newest-first by arrival, even when the cluster clock runs ahead', () => {
    const log = new EventLog(10);
    log.addCluster([ev('a', '1')] as never);
    log.add([{ at: '2026-01-01T00:00:00Z', origin: 'lab-tui', type: 'Warning', object: 'node/pi2', reason: 'NodeNotReady', message: 'node pi2 went NotReady' }]);
    assert.deepEqual(log.list().map((e) => e.message), ['node pi2 went NotReady', 'a']);
  });

  it('appends a cluster event once, and again only when it changes', () => {
    const log = new EventLog(10);
    log.addCluster([ev('a', '1')] as never);
    log.addCluster([ev('a', '1')] as never);
    assert.equal(log.list().length, 1);
    log.addCluster([ev('a', '2')] as never);
    assert.equal(log.list().length, 2);
  });

  it('is bounded', () => {
    const log = new EventLog(3);
    log.addCluster(['a', 'b', 'c', 'd', 'e'].map((n) => ev(n, '1')) as never);
    assert.equal(log.list().length, 3);
  });
});
