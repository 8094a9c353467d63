import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DrillRecord } from '../../engine/drills/drill-record.ts';
import { promotionGate } from '../../engine/drills/promotion-gate.ts';

const NOW = new Date('2026-11-23T12:00:00Z');

function rec(p: Partial<DrillRecord>): DrillRecord {
  return { schema: 'lab-tui/drill-run@1', runId: 'r', drill: 'vault-seal', title: 'Vault seal', changeClass: 'vault', sandbox: 'lab-sim', operator: 'op', autopilot: false, simulated: false, versions: {}, runbook: { file: 'x.md', section: 's', digest: 'd' }, startedAt: '2026-11-20T10:00:00Z', outcome: 'passed', failedSteps: [], skippedSteps: [], improvised: [], journal: '/e/runs/r.jsonl', problems: [], integrity: { status: 'valid', sealed: true, tornLines: [] }, ...p };
}

describe('promotion gate: no change reaches prod until it survived the matching drill', () => {
  it('passes with a passed drill of the class in the current cycle, naming the evidence', () => {
    const v = promotionGate([rec({ runId: 'r1' })], 'vault', { now: NOW });
    assert.equal(v.ok, true);
    assert.match(v.reason, /drill vault-seal passed on 2026-11-20 \(run r1\)/);
  });

  it('fails when no drill of the class ran', () => {
    const v = promotionGate([rec({})], 'storage', { now: NOW });
    assert.deepEqual([v.ok, v.reason], [false, 'no drill of class storage has been run in the sandbox']);
  });

  it('fails when the drill failed, with its reason', () => {
    const v = promotionGate([rec({ outcome: 'failed', reason: 'acceptance not met: vault.unsealed: Vault is sealed' })], 'vault', { now: NOW });
    assert.equal(v.ok, false);
    assert.match(v.reason, /drill vault-seal failed \(run r\): acceptance not met: vault\.unsealed/);
  });

  it('fails when the drill passed only with improvisation', () => {
    const v = promotionGate([rec({ outcome: 'passed-with-improvisation', improvised: ['restarted VSO by hand'] })], 'vault', { now: NOW });
    assert.equal(v.ok, false);
    assert.match(v.reason, /passed only with improvisation .*update the runbook/);
  });

  it('fails when the evidence is from an earlier cycle', () => {
    const v = promotionGate([rec({ startedAt: '2026-10-30T10:00:00Z' })], 'vault', { now: NOW });
    assert.equal(v.ok, false);
    assert.match(v.reason, /evidence too old: the last vault drill \(vault-seal, 2026-10-30\) is before the current cycle \(since 2026-11-01\)/);
  });

  it('with --change, only a drill run after that change counts', () => {
    const records = [rec({ change: 'gitea#41', runId: 'a' })];
    assert.equal(promotionGate(records, 'vault', { now: NOW, change: 'gitea#41' }).ok, true);
    const other = promotionGate(records, 'vault', { now: NOW, change: 'gitea#42' });
    assert.deepEqual([other.ok, other.reason], [false, 'no drill of class vault was run after change gitea#42 was applied to the sandbox']);
  });

  it('a later failure does not hide an earlier pass in the cycle, and a drill still running does not count', () => {
    const v = promotionGate([rec({ outcome: 'running', runId: 'now' }), rec({ outcome: 'failed', runId: 'f' }), rec({ runId: 'p' })], 'vault', { now: NOW });
    assert.equal(v.ok, true);
    assert.equal(v.evidence?.runId, 'p');
  });
});
