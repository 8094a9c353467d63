import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { manifestPath, PACKAGE_ROOT } from '../../engine/common/package-root.ts';
import { listDrillRecords } from '../../engine/drills/drill-record.ts';
import { loadDrill } from '../../engine/drills/load-drill.ts';
import { resumeDrill } from '../../engine/drills/resume-drill.ts';
import { runDrill, type DrillRun } from '../../engine/drills/run-drill.ts';
import { readJournal } from '../../engine/runbook/journal.ts';
import { loadRunbook } from '../../engine/runbook/parse-runbook.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { drillDeps } from '../../src/cli/wiring.ts';
import { describeDrill, drillWithSimClock } from '../helpers/drill-run.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { engineOn, type EngineHarness } from '../helpers/runbook-run.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * A drill that is interrupted keeps its evidence:
 * (a) abort (what Ctrl-C does in the cockpit and in `drill run`): the drill is recorded as failed,
 *     "aborted by the operator", cleans up (pi3 powered back on) and checks the steady state again;
 * (b) kill -9 of `lab-tui drill run … --autopilot` (a child process, against the lab-sim the test
 *     runs, whose manual clock only the test moves): every whole record of the journal is kept,
 *     the evidence lists the drill as still running (not lost, not dropped), and resuming the drill
 *     takes it to its outcome and time to recover.
 * bin/lab-tui.js runs dist/ (`npm test` builds it first).
 */

const SEED = 7;

describe('drill node-kill aborted by the operator (Ctrl-C)', () => {
  let sim: LabSim | undefined;
  let h: EngineHarness | undefined;
  let d: DrillRun | undefined;
  before(async () => {
    sim = await startTestSim({ seed: SEED });
    await sim.advance(60_000);
    h = await engineOn(sim);
    await waitFor(() => h!.health.snapshots.get().sources.every((s) => s.status !== 'connecting'), { what: 'the health service has connected to every source', timeoutMs: 10_000 });
  });
  after(async () => {
    // A failed assertion must not leave the drill polling a sim that is about to stop.
    if (d && !d.view.get().outcome) await d.abort();
    await h?.stop();
    await sim?.stop();
    if (h) fs.rmSync(h.runsDir, { recursive: true, force: true });
    if (sim) fs.rmSync(sim.stateDir, { recursive: true, force: true });
  });

  it('records the drill failed, cleans up (pi3 back on) and re-checks the steady state, the journal intact', async () => {
    const drill = loadDrill(manifestPath('drills/node-kill.yaml'));
    d = await runDrill({ drill, runbook: loadRunbook(manifestPath('runbooks/CLUSTER_RECOVERY.md')), runsDir: h!.runsDir, sandbox: 'lab-sim', autopilot: false, pollMs: 20 }, drillDeps(h!.sandbox, h!.health.snapshots));
    // Not on autopilot: the walkthrough waits for the operator at step 1 ([HUMAN] bring the node back).
    await waitFor(() => d!.run.view.get().phase.kind === 'operator' && d!.run.view.get().current === 0, { what: `step 1 waits for the operator; ${describeDrill(d)}` });
    assert.equal(sim!.state().nodes.find((n) => n.name === 'pi3')?.powered, false, 'the fault is in: pi3 is off');

    const v = await d.abort();
    assert.equal(v.outcome, 'failed');
    assert.match(v.reason ?? '', /^aborted by the operator/, v.reason);
    assert.equal(v.phase, 'finished');

    const { records, problems } = readJournal(v.file);
    assert.deepEqual(problems, [], 'the journal is valid');
    const types = records.map((r) => r.type);
    const finished = records.find((r) => r.type === 'drill-finished');
    assert.ok(finished?.type === 'drill-finished' && finished.outcome === 'failed' && finished.reason === v.reason, JSON.stringify(finished));
    assert.ok(!types.includes('acceptance-met'), 'the clock never stopped: no time to recover');
    const cleanup = records.filter((r) => r.type === 'cleanup');
    assert.deepEqual(
      cleanup.map((r) => r.type === 'cleanup' && { kind: r.kind, target: r.target, ok: r.ok }),
      [{ kind: 'node-start', target: 'pi3', ok: true }],
      JSON.stringify(cleanup),
    );
    const steady = records.filter((r) => r.type === 'steady-state');
    assert.deepEqual(
      steady.map((r) => r.type === 'steady-state' && r.when),
      ['before', 'after'],
    );
    assert.equal(records.at(-1)?.type, 'journal-sealed', 'the finished drill is sealed');
    assert.equal(records.at(-2)?.type, 'steady-state', 'the steady-state check after the drill is the last record before the seal');
    assert.ok(types.indexOf('drill-finished') < types.indexOf('cleanup'), `outcome, then cleanup: ${types.join(',')}`);
    // The walkthrough was stopped, not finished: no run outcome, the step left unanswered.
    assert.ok(!types.includes('run-finished'), types.join(','));
    assert.equal(d.run.view.get().steps[0]?.status, 'running');

    // The cleanup really powered pi3 on: it boots and the sandbox is back in its steady state.
    assert.equal(sim!.state().nodes.find((n) => n.name === 'pi3')?.powered, true, 'pi3 powered again');
    await sim!.advance(5 * 60_000);
    const state = sim!.state();
    assert.ok(state.nodes.every((n) => n.ready), JSON.stringify(state.nodes));
    assert.ok(state.volumes.every((x) => x.dataIntact), JSON.stringify(state.volumes));
  });
});

describe('lab-tui drill run --autopilot killed with SIGKILL', () => {
  let sim: LabSim | undefined;
  let h: EngineHarness | undefined;
  let child: ChildProcess | undefined;
  let home: string | undefined;
  before(async () => {
    sim = await startTestSim({ seed: SEED });
    await sim.advance(60_000);
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-drill-home-'));
  });
  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await h?.stop();
    await sim?.stop();
    if (h) fs.rmSync(h.runsDir, { recursive: true, force: true });
    if (sim) fs.rmSync(sim.stateDir, { recursive: true, force: true });
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('keeps every whole record, lists the drill as running, and the resumed drill ends with its outcome and time to recover', async () => {
    const runsDir = path.join(sim!.stateDir, 'evidence', 'runs');
    const cli = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'lab-tui.js'), '--config', sim!.files.config, 'drill', 'run', 'vault-seal', '--autopilot'], {
      env: { PATH: process.env.PATH ?? '', HOME: home! },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = cli;
    let output = '';
    cli.stdout!.on('data', (b: Buffer) => (output += b.toString()));
    cli.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => cli.once('exit', (code, signal) => resolve({ code, signal })));

    // The journal of the drill, once it holds the injected fault.
    const journalWithFault = () => {
      const files = fs.existsSync(runsDir) ? fs.readdirSync(runsDir).filter((f) => f.endsWith('.jsonl')) : [];
      const file = files.length === 1 ? path.join(runsDir, files[0]!) : undefined;
      return file && readJournal(file).records.some((r) => r.type === 'fault-injected') ? file : undefined;
    };
    const file = await waitFor(
      () => {
        if (cli.exitCode !== null) throw new Error(`lab-tui exited ${cli.exitCode}: ${output}`);
        return journalWithFault();
      },
      { what: `the drill's journal holds fault-injected (${runsDir}); lab-tui says: ${output}`, timeoutMs: 30_000 },
    );
    cli.kill('SIGKILL');
    assert.deepEqual(await exited, { code: null, signal: 'SIGKILL' });

    // Every whole record is kept; at most a torn last line, reported as such.
    const { records, problems } = readJournal(file);
    assert.ok(problems.length <= 1, JSON.stringify(problems));
    for (const p of problems) assert.match(p.message, /torn last line/);
    assert.deepEqual(
      records.map((r) => r.seq),
      records.map((_, i) => i + 1),
      'no record lost in between',
    );
    const types = records.map((r) => r.type);
    assert.deepEqual(types.slice(0, 4), ['run-started', 'drill-started', 'steady-state', 'fault-injected'], types.join(','));
    assert.ok(!types.includes('drill-finished') && !types.includes('run-finished'), types.join(','));
    const fault = records[3];
    assert.ok(fault?.type === 'fault-injected' && fault.kind === 'vault-seal' && fault.detail === 'Vault sys/seal', JSON.stringify(fault));

    // The evidence trail: the drill is there, still running, neither lost nor dropped as unreadable.
    const listed = listDrillRecords(runsDir);
    assert.equal(listed.records.length, 1, JSON.stringify(listed));
    const rec = listed.records[0]!;
    assert.deepEqual({ drill: rec.drill, outcome: rec.outcome, journal: rec.journal, faultAt: !!rec.faultAt, finishedAt: rec.finishedAt }, { drill: 'vault-seal', outcome: 'running', journal: file, faultAt: true, finishedAt: undefined });
    assert.ok(listed.unreadable.every((u) => /torn last line/.test(u.problem)), JSON.stringify(listed.unreadable));

    // `lab-tui resume` takes the drill up: its walkthrough where it stopped (on autopilot, as it
    // was started), acceptance and the clock from the fault in the journal, to an outcome.
    h = await engineOn(sim!);
    await waitFor(() => h!.health.snapshots.get().sources.every((s) => s.status !== 'connecting'), { what: 'the health service has connected to every source', timeoutMs: 10_000 });
    const { v } = await drillWithSimClock(() => resumeDrill({ file, findDrill: (id) => loadDrill(manifestPath(`drills/${id}.yaml`)), load: loadRunbook, pollMs: 20 }, drillDeps(h!.sandbox, h!.health.snapshots)), sim!, { timeoutMs: 60_000 });
    assert.equal(v.outcome, 'passed', v.reason);

    const after = readJournal(file);
    assert.deepEqual(after.problems, problems, 'the resumed journal adds no problem');
    assert.deepEqual(
      after.records.map((r) => r.seq),
      after.records.map((_, i) => i + 1),
    );
    const resumedAt = after.records.findIndex((r) => r.type === 'drill-resumed');
    assert.ok(resumedAt >= records.length, `drill-resumed after the records of the killed run: ${after.records.map((r) => r.type).join(',')}`);
    assert.ok(after.records.some((r) => r.type === 'run-resumed'), 'the walkthrough resumed with it');
    assert.equal(after.records.at(-1)?.type, 'journal-sealed', 'the resumed drill ends sealed');
    const finished = after.records.find((r) => r.type === 'drill-finished');
    assert.ok(finished?.type === 'drill-finished' && finished.outcome === 'passed' && finished.timeToRecover, JSON.stringify(finished));
    const ended = listDrillRecords(runsDir).records[0]!;
    assert.equal(ended.outcome, 'passed');
    assert.equal(ended.faultAt, fault!.at, 'the time to recover runs from the fault in the journal');
    assert.equal(ended.timeToRecover!.totalMs, Date.parse(ended.acceptedAt!) - Date.parse(fault!.at));
    // A step that was running when lab-tui died is closed as interrupted before being run again.
    const startedBefore = records.filter((r) => r.type === 'step-started').map((r) => (r.type === 'step-started' ? r.step : ''));
    const finishedBefore = new Set(records.filter((r) => r.type === 'step-finished').map((r) => (r.type === 'step-finished' ? r.step : '')));
    for (const step of startedBefore.filter((s) => !finishedBefore.has(s))) {
      const closed = after.records.find((r) => r.type === 'step-finished' && r.step === step);
      assert.ok(closed?.type === 'step-finished' && closed.status === 'aborted' && /interrupted/.test(closed.reason ?? ''), JSON.stringify(closed));
    }
    assert.equal(sim!.state().vault.sealed, false, 'Vault unsealed by the resumed walkthrough');
    assert.ok(sim!.state().vso.find((s) => s.name === 'erp-db-creds')?.fresh, 'fresh ERP credentials');
  });
});
