import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { readJournal } from '../../engine/runbook/journal.ts';
import { loadRunbook } from '../../engine/runbook/parse-runbook.ts';
import { startRun } from '../../engine/runbook/start-run.ts';
import { manifestPath } from '../../engine/common/package-root.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { engineOn, untilWithSimClock, type EngineHarness } from '../helpers/runbook-run.ts';
import { waitFor } from '../helpers/wait.ts';

const RUNBOOK = manifestPath('runbooks/CLUSTER_RECOVERY.md');

describe('runbook engine against lab-sim: Vault unseal + VSO re-auth', () => {
  let sim: LabSim;
  let h: EngineHarness;
  before(async () => {
    sim = await startTestSim({ seed: 21 });
    await sim.advance(60_000);
    await sim.fault('vault-seal');
    h = await engineOn(sim);
    await waitFor(() => h.health.snapshots.get().vault?.sealed === true, { what: 'the dashboard sees Vault sealed' });
  });
  after(async () => {
    await h.stop();
    await sim.stop();
  });

  it('walks the section to green with an improvised step, journaling every transition without secrets', async () => {
    const { run, file } = startRun({ runbook: loadRunbook(RUNBOOK), section: 'vault-unseal-vso-re-auth', dir: h.runsDir, sandbox: 'lab-sim', pollMs: 20 }, h.deps);
    await untilWithSimClock(run, sim, 'step 1 waits for the operator', () => run.view.get().phase.kind === 'operator');
    run.send({ type: 'improvise', text: 'Checked the VSO logs for the sealed error', command: 'echo vso saw 503 sealed' });
    await waitFor(() => run.view.get().improvised[0]?.status === 'ok (exit 0)', { what: 'the improvised command ran' });
    run.send({ type: 'done' });
    const final = await (async () => {
      await untilWithSimClock(run, sim, 'the run finishes', () => run.view.get().phase.kind === 'finished');
      return run.done;
    })();
    assert.deepEqual(final.phase, { kind: 'finished', status: 'passed' });
    assert.deepEqual(final.steps.map((s) => s.status), ['done', 'done', 'done', 'done']);
    assert.equal(h.health.snapshots.get().vault?.sealed, false);

    const { records, problems } = readJournal(file);
    assert.deepEqual(problems, []);
    const kinds = records.map((r) => r.type);
    assert.equal(kinds[0], 'run-started');
    assert.deepEqual(kinds.slice(-2), ['run-finished', 'journal-sealed']);
    for (const step of final.steps) {
      const mine = records.filter((r) => 'step' in r && r.step === step.id).map((r) => r.type);
      assert.ok(mine.includes('step-started') && mine.includes('step-finished'), `${step.id}: ${mine.join(',')}`);
      if (step.kind === 'AGENT') assert.ok(mine.includes('step-action') && mine.includes('verified'), `${step.id}: ${mine.join(',')}`);
    }
    const improvised = records.filter((r) => r.type === 'improvised' || r.type === 'improvised-finished');
    assert.equal(improvised.length, 2);
    assert.ok(records.some((r) => r.type === 'output' && r.text.includes('vso saw 503 sealed')));
    const text = fs.readFileSync(file, 'utf8');
    for (const secret of h.sandbox.secretValues()) assert.ok(!text.includes(secret), 'no secret in the journal');
  });
});
