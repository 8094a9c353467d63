import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildTimeline } from '../../engine/drills/timeline.ts';
import type { JournalRecord } from '../../engine/runbook/run-types.ts';
import { drillJournal, type DrillJournalSpec } from '../helpers/drill-journal.ts';

const START = '2026-11-20T10:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(START) + ms).toISOString();

/** node-kill: pi3 stopped, brought back by the operator, Longhorn rebuilt by the engine; one improvisation. */
const NODE_KILL: DrillJournalSpec = {
  runId: 'r1',
  drill: 'node-kill',
  title: 'Node kill (agent pi3)',
  section: 'node-loss-reschedule',
  start: START,
  faultMs: 1_000,
  fault: { kind: 'node-stop', target: 'pi3' },
  detectMs: 4_000,
  probe: 'node.ready pi3',
  health: [
    { atMs: 3_000, subject: 'node/pi3', from: 'Ready', to: 'NotReady' },
    { atMs: 50_000, subject: 'node/pi3', from: 'NotReady', to: 'Ready' },
  ],
  steps: [
    { title: 'Bring the stopped node back', kind: 'HUMAN', atMs: 6_000, ms: 40_000, status: 'done' },
    { title: 'Wait for Longhorn to rebuild the replicas', kind: 'AGENT', atMs: 46_000, ms: 20_000, status: 'failed', reason: 'volume.healthy pvc-erp-data: degraded' },
    { title: 'Check every workload', kind: 'AGENT', ms: 0, status: 'skipped', reason: 'not needed' },
  ],
  improvised: [{ atMs: 70_000, step: 2, text: 'deleted the stuck replica', command: 'kubectl -n longhorn-system delete replica r-1', status: 'ok' }],
  acceptMs: 80_000,
  end: { atMs: 81_000, outcome: 'passed-with-improvisation', reason: 'acceptance met, but the runbook is not current', ttr: { totalMs: 79_000, detectionMs: 4_000, humanMs: 40_000, agentMs: 20_000, verifyMs: 0 }, cleanup: [{ kind: 'node-start', target: 'pi3', ok: true }] },
};

describe('the timeline of a drill run, from its journal', () => {
  it('lays out fault, detection, steps, improvisations, health, acceptance, cleanup and the time to recover', () => {
    const t = buildTimeline(drillJournal(NODE_KILL))!;
    assert.equal(t.runId, 'r1');
    assert.deepEqual(t.drill, { id: 'node-kill', title: 'Node kill (agent pi3)' });
    assert.deepEqual(t.fault, { at: at(1_000), kind: 'node-stop', target: 'pi3', detail: 'node-stop injected' });
    assert.deepEqual(t.detection, { at: at(5_000), probe: 'node.ready pi3', detail: 'failing' });
    assert.deepEqual(
      t.steps.map((s) => [s.number, s.id, s.who, s.start, s.durationMs, s.outcome, s.reason]),
      [
        [1, 'node-loss-reschedule/1', 'operator', at(6_000), 40_000, 'done', undefined],
        [2, 'node-loss-reschedule/2', 'engine', at(46_000), 20_000, 'failed', 'volume.healthy pvc-erp-data: degraded'],
        // Skipped while blocked: it never started, so it has no start of its own.
        [3, 'node-loss-reschedule/3', 'engine', undefined, undefined, 'skipped', 'not needed'],
      ],
    );
    assert.deepEqual(t.improvised, [{ at: at(70_000), step: 'node-loss-reschedule/2', text: 'deleted the stuck replica', command: 'kubectl -n longhorn-system delete replica r-1', status: 'ok (exit 0)' }]);
    assert.deepEqual(t.health, [
      { at: at(3_000), subject: 'node/pi3', from: 'Ready', to: 'NotReady' },
      { at: at(50_000), subject: 'node/pi3', from: 'NotReady', to: 'Ready' },
    ]);
    assert.deepEqual(t.acceptance, { at: at(80_000) });
    assert.deepEqual(t.cleanup, [{ at: at(82_000), kind: 'node-start', target: 'pi3', ok: true, detail: 'done' }]);
    assert.equal(t.outcome, 'passed-with-improvisation');
    assert.deepEqual(t.timeToRecover, NODE_KILL.end!.ttr);
    assert.equal(t.running, false);
  });

  it('shows a running drill as far as its journal goes', () => {
    const t = buildTimeline(drillJournal({ ...NODE_KILL, steps: [NODE_KILL.steps[0]!, { ...NODE_KILL.steps[1]!, status: undefined }, NODE_KILL.steps[2]!], improvised: [], acceptMs: undefined, end: undefined }))!;
    assert.equal(t.running, true);
    assert.equal(t.outcome, undefined);
    assert.equal(t.timeToRecover, undefined);
    assert.equal(t.acceptance, undefined);
    assert.deepEqual(
      t.steps.map((s) => [s.outcome, s.start, s.durationMs]),
      [
        ['done', at(6_000), 40_000],
        ['running', at(46_000), undefined],
        ['skipped', undefined, undefined],
      ],
    );
    // Every prefix of a journal is a timeline: what `lab-tui watch` shows while records arrive.
    const records = drillJournal(NODE_KILL);
    const finished = records.findIndex((r) => r.type === 'drill-finished');
    for (let n = 1; n <= finished; n++) assert.equal(buildTimeline(records.slice(0, n))?.running, true, `up to ${records[n - 1]!.type}`);
    assert.equal(buildTimeline(records.slice(0, finished + 1))?.running, false);
  });

  it('spans a retried step from its first start to its last outcome', () => {
    const records = drillJournal(NODE_KILL);
    const step = 'node-loss-reschedule/2';
    const retried: JournalRecord[] = [...records.filter((r) => r.at <= at(66_000)), { seq: 0, at: at(67_000), type: 'step-started', step, kind: 'AGENT', title: 'Wait for Longhorn to rebuild the replicas' }, { seq: 0, at: at(75_000), type: 'step-finished', step, status: 'done', durationMs: 8_000 }];
    const s = buildTimeline(retried)!.steps[1]!;
    assert.deepEqual([s.attempts, s.start, s.durationMs, s.outcome, s.reason], [2, at(46_000), 29_000, 'done', undefined]);
  });

  it('keeps the operator note of a failed [HUMAN] step and the status of a plain runbook run', () => {
    const spec: DrillJournalSpec = { ...NODE_KILL, steps: [{ ...NODE_KILL.steps[0]!, status: 'failed', note: 'pi3 does not boot' }] };
    const records = drillJournal(spec).filter((r) => r.type !== 'drill-started' && r.type !== 'drill-finished');
    const t = buildTimeline(records)!;
    assert.equal(t.steps[0]!.note, 'pi3 does not boot');
    assert.equal(t.drill, undefined);
    assert.equal(t.outcome, 'failed');
    assert.equal(t.running, false);
  });

  it('has no timeline without run-started', () => {
    assert.equal(buildTimeline([]), undefined);
    assert.equal(buildTimeline(drillJournal(NODE_KILL).slice(1)), undefined);
  });
});
