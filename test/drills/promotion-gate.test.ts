import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DrillRecord } from '../../engine/drills/drill-record.ts';
import { promotionGate, type GateOptions } from '../../engine/drills/promotion-gate.ts';

const NOW = new Date('2026-11-23T12:00:00Z');
const SECTION = 'a'.repeat(64);

function rec(p: Partial<DrillRecord>): DrillRecord {
  return { schema: 'lab-tui/drill-run@1', runId: 'r', drill: 'vault-seal', title: 'Vault seal', changeClass: 'vault', sandbox: 'sandbox', operator: 'op', autopilot: false, simulated: false, versions: {}, runbook: { file: 'x.md', section: 's', digest: 'd', sectionDigest: SECTION }, startedAt: '2026-11-20T10:00:00Z', outcome: 'passed', failedSteps: [], skippedSteps: [], improvised: [], journal: '/e/runs/r.jsonl', problems: [], integrity: { status: 'valid', sealed: true, tornLines: [] }, ...p };
}

const gate = (records: DrillRecord[], changeClass: string, o: Partial<GateOptions> = {}) => promotionGate(records, changeClass, { now: NOW, currentSection: () => ({ digest: SECTION }), ...o });
const ignoredWhy = (v: ReturnType<typeof gate>) => v.ignored.map((i) => `${i.runId}: ${i.reason}`);

describe('promotion gate: no change reaches prod until it survived the matching drill', () => {
  it('passes with a passed drill of the class in the current cycle, naming the evidence it relied on', () => {
    const v = gate([rec({ runId: 'r1', timeToRecover: { totalMs: 95_000, humanMs: 60_000, agentMs: 20_000, verifyMs: 15_000 } })], 'vault');
    assert.equal(v.ok, true);
    assert.match(v.reason, /drill vault-seal passed on 2026-11-20 \(run r1\)/);
    assert.deepEqual(v.reliedOn, [{ runId: 'r1', drill: 'vault-seal', startedAt: '2026-11-20T10:00:00Z', sandbox: 'sandbox', simulated: false, sectionDigest: SECTION, outcome: 'passed', timeToRecoverMs: 95_000, journal: '/e/runs/r.jsonl' }]);
    assert.deepEqual([v.ignored, v.countedSimulated], [[], false]);
  });

  it('fails when no drill of the class ran', () => {
    const v = gate([rec({})], 'storage');
    assert.deepEqual([v.ok, v.reason], [false, 'no drill of class storage has been run in the sandbox']);
  });

  it('fails when the drill failed, with its reason', () => {
    const v = gate([rec({ outcome: 'failed', reason: 'acceptance not met: vault.unsealed: Vault is sealed' })], 'vault');
    assert.equal(v.ok, false);
    assert.match(v.reason, /drill vault-seal failed \(run r\): acceptance not met: vault\.unsealed/);
  });

  it('fails when the drill passed only with improvisation', () => {
    const v = gate([rec({ outcome: 'passed-with-improvisation', improvised: ['restarted VSO by hand'] })], 'vault');
    assert.equal(v.ok, false);
    assert.match(v.reason, /passed only with improvisation .*update the runbook/);
  });

  it('ignores evidence from an earlier cycle, saying so', () => {
    const v = gate([rec({ startedAt: '2026-10-30T10:00:00Z' })], 'vault');
    assert.equal(v.ok, false);
    assert.deepEqual(ignoredWhy(v), ['r: older than the cycle (since 2026-11-01)']);
    assert.match(v.reason, /^no vault drill counts: 1 run\(s\) ignored; newest: r: older than the cycle/);
  });

  it('with --change, only a drill run after that change counts', () => {
    const records = [rec({ change: 'gitea#41', runId: 'a' })];
    assert.equal(gate(records, 'vault', { change: 'gitea#41' }).ok, true);
    const other = gate(records, 'vault', { change: 'gitea#42' });
    assert.equal(other.ok, false);
    assert.deepEqual(ignoredWhy(other), ['a: rehearsed change gitea#41, not gitea#42']);
  });

  it('a later failure does not hide an earlier pass in the cycle, and a drill without an outcome does not count', () => {
    const v = gate([rec({ outcome: 'running', runId: 'now' }), rec({ outcome: 'failed', runId: 'f' }), rec({ runId: 'p' })], 'vault');
    assert.equal(v.ok, true);
    assert.equal(v.evidence?.runId, 'p');
    assert.deepEqual(v.reliedOn.map((e) => e.runId), ['f', 'p']);
    assert.deepEqual(ignoredWhy(v), ['now: no outcome: still running, or crashed (lab-tui resume ends it)']);
  });

  it('a simulated run never counts, nor an autopilot one: lab-sim on autopilot lets no Vault change through', () => {
    const v = gate([rec({ runId: 'sim', simulated: true, autopilot: true, sandbox: 'lab-sim' }), rec({ runId: 'auto', autopilot: true })], 'vault');
    assert.equal(v.ok, false);
    assert.deepEqual(ignoredWhy(v), ['sim: simulated: the guard identified lab-sim as lab-sim, which proves nothing about the real sandbox', 'auto: autopilot: the engine did the operator steps, nobody followed the runbook']);
  });

  it('--allow-simulated counts lab-sim runs, autopilot ones included, and the verdict says it did; autopilot on a real sandbox still never counts', () => {
    const v = gate([rec({ runId: 'auto', autopilot: true }), rec({ runId: 'sim', simulated: true, autopilot: true, sandbox: 'lab-sim' })], 'vault', { allowSimulated: true });
    assert.equal(v.ok, true);
    assert.equal(v.evidence?.runId, 'sim');
    assert.equal(v.countedSimulated, true);
    assert.deepEqual(ignoredWhy(v), ['auto: autopilot: the engine did the operator steps, nobody followed the runbook']);
  });

  it('a run that followed an older text of its section needs a new rehearsal, naming the run and both digests', () => {
    const now = 'b'.repeat(64);
    const v = gate([rec({ runId: 'old' }), rec({ runId: 'before', runbook: { file: 'x.md', section: 's', digest: 'd' } })], 'vault', { currentSection: () => ({ digest: now }) });
    assert.equal(v.ok, false);
    assert.deepEqual(ignoredWhy(v), [
      'old: stale runbook: run old followed section s at aaaaaaaaaaaa, the section is now bbbbbbbbbbbb: rehearse it again',
      'before: stale runbook: run before did not record the digest of section s (written before it was); the section is now bbbbbbbbbbbb',
    ]);
    const gone = gate([rec({ runId: 'x' })], 'vault', { currentSection: () => ({ problem: 'runbook CLUSTER_RECOVERY.md not found' }) });
    assert.deepEqual(ignoredWhy(gone), ['x: stale runbook: section s cannot be read now (runbook CLUSTER_RECOVERY.md not found)']);
  });

  it('an invalid, unverifiable or unsealed journal never counts', () => {
    const v = gate(
      [
        rec({ runId: 'edited', integrity: { status: 'invalid', line: 7, reason: 'the chain breaks here' } }),
        rec({ runId: 'legacy', integrity: { status: 'unverifiable', reason: 'written before hashing' } }),
        rec({ runId: 'open', integrity: { status: 'valid', sealed: false, tornLines: [] } }),
      ],
      'vault',
    );
    assert.equal(v.ok, false);
    assert.deepEqual(ignoredWhy(v), ['edited: invalid journal: /e/runs/r.jsonl:7: the chain breaks here', 'legacy: unverifiable journal (written before hashing)', 'open: journal not sealed: the run did not finish writing it']);
  });
});
