import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { manifestPath, PACKAGE_ROOT } from '../../engine/common/package-root.ts';
import type { Drill } from '../../engine/drills/drill-types.ts';
import { loadDrill } from '../../engine/drills/load-drill.ts';
import { runDrill, type DrillRun, type DrillView } from '../../engine/drills/run-drill.ts';
import { loadRunbook } from '../../engine/runbook/parse-runbook.ts';
import type { JournalRecord } from '../../engine/runbook/run-types.ts';
import type { LabSim, SimStateDump } from '../../engine/sim/index.ts';
import { drillDeps } from '../../src/cli/wiring.ts';
import { drillWithSimClock, recordOf, stepsOf } from '../helpers/drill-run.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { engineOn, type EngineHarness } from '../helpers/runbook-run.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * A drill catches a runbook that is followed in the wrong order or with the forbidden method, and
 * passes with the shipped one:
 * (a) power-cut with a procedure that keeps the ERP running and injects Longhorn last, without
 *     scaling the ERP down (against "Longhorn first, then Vault unseal, then VSO re-auth, ERP
 *     last"): the ERP, started before its data was back, never becomes ready, the drill fails
 *     (and says so); with the shipped runbook it passes, the ERP back with its data;
 * (b) longhorn-corruption recovered by renaming the orphaned directory (lab-sim's
 *     `sim recover longhorn-rename`): the data is gone, the drill fails; with block-device
 *     injection (the shipped runbook) it passes with the data intact.
 * The procedures done wrong are sections of test/drills/fixtures/CLUSTER_RECOVERY_WRONG.md. A
 * failing drill only ends on its time limit: the drills that follow them see it pass once their
 * failure is beyond doubt (expireOnceFailed). The four drills run concurrently, each on its own
 * lab-sim.
 */

const SEED = 7;
const POLL_MS = 20;
/** How long (real time) a drill may take before the test gives up: the power-cut walkthrough needs about 5 s on an idle machine. */
const DRILL_MS = 100_000;
const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'CLUSTER_RECOVERY_WRONG.md');
const SHIPPED = manifestPath('runbooks/CLUSTER_RECOVERY.md');

const sims: LabSim[] = [];
const harnesses: EngineHarness[] = [];
const dirs: string[] = [];

after(async () => {
  for (const h of harnesses) await h.stop();
  for (const sim of sims) await sim.stop();
  for (const d of [...dirs, ...harnesses.map((h) => h.runsDir), ...sims.map((s) => s.stateDir)]) fs.rmSync(d, { recursive: true, force: true });
});

async function freshLab(): Promise<{ sim: LabSim; h: EngineHarness }> {
  const sim = await startTestSim({ seed: SEED });
  sims.push(sim);
  await sim.advance(60_000);
  const h = await engineOn(sim);
  harnesses.push(h);
  await waitFor(() => h.health.snapshots.get().sources.every((s) => s.status !== 'connecting'), { what: 'the health service has connected to every source', timeoutMs: 10_000 });
  return { sim, h };
}

/** The fixture runbook with this lab-sim's CLI invocation and state directory filled in. */
function wrongRunbook(sim: LabSim): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-wrong-runbook-'));
  dirs.push(dir);
  const file = path.join(dir, 'CLUSTER_RECOVERY_WRONG.md');
  const self = `'${process.execPath}' '${path.join(PACKAGE_ROOT, 'bin', 'lab-tui.js')}'`;
  fs.writeFileSync(file, fs.readFileSync(FIXTURE, 'utf8').replaceAll('{{LAB_TUI}}', self).replaceAll('{{STATE_DIR}}', `'${sim.stateDir}'`));
  return file;
}

interface Outcome {
  d: DrillRun;
  v: DrillView;
  records: JournalRecord[];
  state: SimStateDump;
}

/**
 * A drill following a procedure done wrong only ends on its time limit. Rather than wait it out
 * (real time, which a loaded machine can run out of mid-walkthrough), the drill's clock jumps past
 * the limit once the failure is beyond doubt: the walkthrough over, acceptance checked twice since
 * and still failing, and `failing` holding on the sandbox.
 */
function expireOnceFailed(d: DrillRun, sim: LabSim, failing: (s: SimStateDump) => boolean, expire: () => void): void {
  let checksSince = 0;
  const unsubscribe = d.view.subscribe(() => {
    if (d.run.view.get().phase.kind === 'finished') checksSince++;
  });
  const failed = () => checksSince >= 2 && d.view.get().acceptance.some((a) => !a.ok) && failing(sim.state());
  void waitFor(failed, { what: 'the drill to have failed beyond doubt', timeoutMs: DRILL_MS })
    .then(expire, () => {})
    .finally(unsubscribe);
}

/**
 * The drill on a fresh lab-sim following `section` of `runbook` (by default its own). With
 * `failing`, the procedure is expected to fail: the time limit is made to pass once it has.
 */
async function drillOn(id: string, o: { runbook?: (sim: LabSim) => string; section?: string; failing?: (s: SimStateDump) => boolean }): Promise<Outcome> {
  const { sim, h } = await freshLab();
  const shipped = loadDrill(manifestPath(`drills/${id}.yaml`));
  const file = o.runbook ? o.runbook(sim) : SHIPPED;
  const drill: Drill = { ...shipped, runbook: { ...shipped.runbook, file: path.basename(file), section: o.section ?? shipped.runbook.section } };
  let skew = 0;
  const run = async () => {
    const d = await runDrill({ drill, runbook: loadRunbook(file), runsDir: h.runsDir, sandbox: 'lab-sim', autopilot: true, pollMs: POLL_MS, clock: () => Date.now() + skew }, drillDeps(h.sandbox, h.health.snapshots));
    if (o.failing) expireOnceFailed(d, sim, o.failing, () => (skew = drill.timeLimitMs));
    return d;
  };
  const { d, v } = await drillWithSimClock(run, sim, { timeoutMs: DRILL_MS });
  const { record, records } = recordOf(v.file);
  assert.deepEqual(record.problems, [], 'the journal reads without problems');
  return { d, v, records, state: sim.state() };
}

const acceptance = (v: DrillView, probe: string) => v.acceptance.find((a) => a.probe === probe);
const erpVolume = (s: SimStateDump) => s.volumes.find((v) => v.name === 'pvc-erp-data')!;
const erpPod = (s: SimStateDump) => s.pods.find((p) => p.namespace === 'erp' && !p.terminating);

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}

// The four drills run at once, each on its own lab-sim: the two that fail spend most of their time
// waiting for their time limit.
describe('a drill catches a runbook followed in the wrong order or with the forbidden method', { concurrency: true }, () => {
  describe('drill power-cut: the documented order, or the drill fails', { concurrency: true }, () => {
    // Beyond doubt: the ERP pod crash-loops on the empty filestore it was started with.
    const wrong = once(() => drillOn('power-cut', { runbook: wrongRunbook, section: 'power-cut-erp-first', failing: (s) => (erpPod(s)?.restarts ?? 0) > 0 && !erpPod(s)?.ready }));
    const shipped = once(() => drillOn('power-cut', {}));

    it('fails with the ERP kept running and Longhorn injected last: the ERP never comes back', async () => {
      const { d, v, records, state } = await wrong();
      // The walkthrough was over well before the time limit: the drill failed on what the procedure did, not for lack of time.
      assert.ok(records.some((r) => r.type === 'run-finished'), `the walkthrough finished: ${stepsOf(d)}`);
      assert.equal(v.outcome, 'failed', v.reason);
      assert.equal(v.timeToRecover, undefined, 'no time to recover: the sandbox never recovered');
      // Vault and VSO came back all the same: what is missing is the ERP, which started before its
      // data was back (the injection is refused while its pod holds the volume, or lands under a
      // crash-looping pod that keeps the empty filestore it was started with).
      assert.equal(acceptance(v, 'vault.unsealed')?.ok, true, JSON.stringify(v.acceptance));
      assert.equal(acceptance(v, 'secret.fresh erp-db-creds')?.ok, true, JSON.stringify(v.acceptance));
      const erp = acceptance(v, 'deployment.ready erp');
      assert.equal(erp?.ok, false, JSON.stringify(v.acceptance));
      assert.match(erp?.detail ?? '', /0\/1 ready/, erp?.detail);
      const pod = erpPod(state);
      assert.equal(pod?.ready, false, JSON.stringify(pod));
      assert.ok((pod?.restarts ?? 0) > 0, `the ERP crash-loops: ${JSON.stringify(pod)}`);
      const finished = records.find((r) => r.type === 'drill-finished');
      assert.ok(finished?.type === 'drill-finished' && finished.outcome === 'failed' && !finished.timeToRecover, JSON.stringify(finished));
    });

    it('says in its reason which acceptance was not met: the ERP not ready', async () => {
      const { v, records } = await wrong();
      assert.match(v.reason ?? '', /^time limit of .+ passed; acceptance not met: .*deployment\.ready erp: erp\/erp 0\/1 ready/, v.reason);
      const finished = records.find((r) => r.type === 'drill-finished');
      assert.equal(finished?.type === 'drill-finished' && finished.reason, v.reason, 'the evidence keeps the reason');
    });

    it('passes with the shipped runbook: the ERP back, with its data', async () => {
      const { d, v, records, state } = await shipped();
      assert.equal(v.outcome, 'passed', `${v.reason}; ${stepsOf(d)}; ${JSON.stringify(v.acceptance.filter((a) => !a.ok))}`);
      assert.ok(records.some((r) => r.type === 'run-finished' && r.status === 'passed'), `the walkthrough passed: ${stepsOf(d)}`);
      assert.ok(state.volumes.every((x) => x.dataIntact && x.dataToken === x.expectedDataToken), JSON.stringify(state.volumes));
      assert.equal(erpPod(state)?.ready, true, JSON.stringify(erpPod(state)));
    });
  });

  describe('drill longhorn-corruption: block-device injection, never a rename', { concurrency: true }, () => {
    it('fails when the orphaned directory is renamed: the volume looks healthy, the data is gone', async () => {
      const { d, v, records, state } = await drillOn('longhorn-corruption', { runbook: wrongRunbook, section: 'longhorn-restore-by-rename', failing: (s) => erpVolume(s).dataLost });
      assert.ok(records.some((r) => r.type === 'run-finished' && r.status === 'passed'), `the procedure itself ran green: ${stepsOf(d)}`);
      assert.equal(v.outcome, 'failed', v.reason);
      assert.equal(acceptance(v, 'volume.healthy pvc-erp-data')?.ok, true, 'the volume reports healthy');
      assert.equal(acceptance(v, 'volume.no-orphans pvc-erp-data')?.ok, true, 'and no orphaned data is left');
      assert.equal(acceptance(v, 'deployment.ready erp')?.ok, false, `but the ERP refuses its empty filestore: ${JSON.stringify(v.acceptance)}`);
      const vol = erpVolume(state);
      assert.deepEqual({ intact: vol.dataIntact, lost: vol.dataLost, token: vol.dataToken === vol.expectedDataToken, orphans: vol.orphans.length }, { intact: false, lost: true, token: false, orphans: 0 }, JSON.stringify(vol));
    });

    it('passes with the shipped runbook (block-device injection), the data intact', async () => {
      const { d, v, state } = await drillOn('longhorn-corruption', {});
      assert.equal(v.outcome, 'passed', `${v.reason}; ${stepsOf(d)}`);
      const vol = erpVolume(state);
      assert.deepEqual({ intact: vol.dataIntact, lost: vol.dataLost, token: vol.dataToken === vol.expectedDataToken }, { intact: true, lost: false, token: true }, JSON.stringify(vol));
      assert.equal(erpPod(state)?.ready, true, JSON.stringify(erpPod(state)));
    });
  });
});
