import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { manifestPath } from '../../engine/common/package-root.ts';
import { drillRecord } from '../../engine/drills/drill-record.ts';
import { loadDrill } from '../../engine/drills/load-drill.ts';
import { renderReport } from '../../engine/drills/report.ts';
import { runDrill } from '../../engine/drills/run-drill.ts';
import { buildTimeline } from '../../engine/drills/timeline.ts';
import { followJournal, type FollowedJournal } from '../../engine/runbook/follow-journal.ts';
import { readJournal } from '../../engine/runbook/journal.ts';
import { loadRunbook } from '../../engine/runbook/parse-runbook.ts';
import type { JournalRecord } from '../../engine/runbook/run-types.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { drillDeps } from '../../src/cli/wiring.ts';
import { drillWithSimClock } from '../helpers/drill-run.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { parseGantts } from '../helpers/mermaid-gantt.ts';
import { engineOn, type EngineHarness } from '../helpers/runbook-run.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * The evidence of a real drill (vault-seal on autopilot against lab-sim) as a timeline: the health
 * transitions the drill saw, the timeline built from its journal, the report's chart of it, and a
 * second reader following the journal while the drill writes it (what `lab-tui watch` does).
 */
describe('the timeline of a vault-seal drill run against lab-sim', () => {
  let sim: LabSim;
  let h: EngineHarness;
  let follower: FollowedJournal | undefined;
  let file: string;
  let records: JournalRecord[];
  before(async () => {
    sim = await startTestSim({ seed: 43 });
    await sim.advance(60_000);
    h = await engineOn(sim);
    const drill = loadDrill(manifestPath('drills/vault-seal.yaml'));
    const { v } = await drillWithSimClock(async () => {
      const d = await runDrill({ drill, runbook: loadRunbook(manifestPath('runbooks/CLUSTER_RECOVERY.md')), runsDir: h.runsDir, sandbox: 'lab-sim', autopilot: true, pollMs: 20 }, drillDeps(h.sandbox, h.health.snapshots));
      follower = followJournal(d.view.get().file, { pollMs: 20 });
      return d;
    }, sim, { timeoutMs: 60_000 });
    assert.equal(v.outcome, 'passed', v.reason);
    file = v.file;
    const read = readJournal(file);
    assert.deepEqual(read.problems, []);
    records = read.records;
  });
  after(async () => {
    follower?.stop();
    await h.stop();
    await sim.stop();
    fs.rmSync(h.runsDir, { recursive: true, force: true });
    fs.rmSync(sim.stateDir, { recursive: true, force: true });
  });

  it('journals Vault sealing and unsealing as health transitions between the fault and the end of the drill', () => {
    const types = records.map((r) => r.type);
    const vault = records.filter((r) => r.type === 'health-transition' && r.subject === 'vault').map((r) => (r.type === 'health-transition' ? `${r.from}→${r.to}` : ''));
    assert.deepEqual(vault, ['unsealed→sealed', 'sealed→unsealed'], JSON.stringify(records.filter((r) => r.type === 'health-transition')));
    const transitions = records.flatMap((r, i) => (r.type === 'health-transition' ? [i] : []));
    assert.ok(transitions[0]! > types.indexOf('fault-injected') && transitions.at(-1)! < types.indexOf('drill-finished'), `transitions inside the drill: ${types.join(',')}`);
    // The baseline is no transition: nothing "changes" into what it already was.
    for (const r of records) if (r.type === 'health-transition') assert.notEqual(r.from, r.to);
  });

  it('builds the timeline from the journal: every step of the runbook section, in order, with who did it', () => {
    const t = buildTimeline(records)!;
    const started = records.find((r) => r.type === 'run-started');
    assert.ok(started?.type === 'run-started');
    assert.equal(t.running, false);
    assert.equal(t.outcome, 'passed');
    assert.deepEqual(t.drill, { id: 'vault-seal', title: 'Vault seal' });
    assert.equal(t.fault?.kind, 'vault-seal');
    assert.ok(t.detection && t.acceptance && t.fault && t.fault.at <= t.detection.at && t.detection.at <= t.acceptance.at);
    assert.deepEqual(t.steps.map((s) => [s.id, s.who, s.outcome]), started.steps.map((s) => [s.id, s.kind === 'AGENT' ? 'engine' : 'operator', 'done']));
    for (const s of t.steps) assert.ok(s.start && s.durationMs !== undefined && s.start >= t.fault.at, `${s.id} has a start after the fault and a duration`);
    const finished = records.find((r) => r.type === 'drill-finished');
    assert.ok(finished?.type === 'drill-finished' && finished.timeToRecover);
    assert.deepEqual(t.timeToRecover, finished.timeToRecover);
    assert.deepEqual(t.health.map((x) => x.subject).filter((s) => s === 'vault'), ['vault', 'vault']);
    // While it ran, the journal so far was a running drill's timeline.
    const upToFirstStep = records.slice(0, records.findIndex((r) => r.type === 'step-finished') + 1);
    const partial = buildTimeline(upToFirstStep)!;
    assert.equal(partial.running, true);
    assert.deepEqual(partial.steps.map((s) => s.outcome), ['done', ...started.steps.slice(1).map(() => 'pending')]);
  });

  it('charts the run in the report: every step a gantt task starting and lasting as the journal says', () => {
    const timeline = buildTimeline(records)!;
    const md = renderReport([drillRecord(file, records)!], { lang: 'en', scope: 'test', generatedAt: 'x', timelines: new Map([[timeline.runId, timeline]]) });
    const [gantt] = parseGantts(md);
    const tasks = gantt!.sections.find((s) => s.name === 'Runbook steps')!.tasks.filter((x) => /^step\d+$/.test(x.id));
    const started = records.find((r) => r.type === 'run-started');
    assert.ok(started?.type === 'run-started');
    assert.deepEqual(
      tasks.map((x) => [x.name, x.start, x.durationMs]),
      started.steps.map((s, i) => {
        const start = records.find((r) => r.type === 'step-started' && r.step === s.id)!.at;
        const end = records.findLast((r) => r.type === 'step-finished' && r.step === s.id)!.at;
        return [`${i + 1} ${s.title}`, start, Date.parse(end) - Date.parse(start)];
      }),
    );
  });

  it('lets another reader follow the journal while the drill writes it, to the last record', async () => {
    await waitFor(() => follower!.records.get().length === records.length, { what: `the follower has all ${records.length} records; has ${follower!.records.get().length}` });
    assert.deepEqual(follower!.records.get(), records);
    assert.deepEqual(follower!.problems.get(), []);
  });
});
