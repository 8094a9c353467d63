import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DrillRecord } from '../../engine/drills/drill-record.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestSim } from '../helpers/lab-sim.ts';

/** `drill run --autopilot` and `gate promote` as CI uses them, against a lab-sim whose clock the test drives. */
describe('lab-tui drill run --autopilot, then gate promote', () => {
  let sim: LabSim;
  before(async () => {
    sim = await startTestSim({ seed: 43 });
    await sim.advance(60_000);
  });
  after(() => sim.stop());

  /** Runs the CLI while lab-sim's manual clock moves on, as time passes in a real sandbox. */
  async function withClock(argv: string[]) {
    let done = false;
    const cli = runCli(['--config', sim.files.config, ...argv]).finally(() => (done = true));
    while (!done) {
      await new Promise((r) => setTimeout(r, 20));
      await sim.advance(5_000);
    }
    return cli;
  }

  it('runs vault-seal unattended and prints a complete record; the vault gate then passes, others fail with the reason', async () => {
    const r = await withClock(['drill', 'run', 'vault-seal', '--autopilot', '--json', '--change', 'gitea#7']);
    assert.equal(r.code, 0, r.stderr);
    const rec = JSON.parse(r.stdout) as DrillRecord;
    assert.equal(rec.schema, 'lab-tui/drill-run@1');
    assert.equal(rec.outcome, 'passed', rec.reason);
    assert.equal(rec.changeClass, 'vault');
    assert.equal(rec.change, 'gitea#7');
    assert.ok(rec.faultAt && rec.detectedAt && rec.acceptedAt && rec.finishedAt);
    assert.ok(rec.timeToRecover && rec.timeToRecover.totalMs >= rec.timeToRecover.detectionMs!, JSON.stringify(rec.timeToRecover));
    assert.deepEqual(rec.problems, []);
    assert.ok(rec.versions['kubelet/pi1']);

    const gate = await runCli(['--config', sim.files.config, 'gate', 'promote', '--change-class', 'vault', '--change', 'gitea#7']);
    assert.equal(gate.code, 0, gate.stdout + gate.stderr);
    assert.match(gate.stdout, /^PASS vault: drill vault-seal passed on \d{4}-\d\d-\d\d/);
    const md = await runCli(['--config', sim.files.config, 'gate', 'promote', '--change-class', 'vault', '--markdown']);
    assert.match(md.stdout, /^### Promotion gate: vault\n\n- \[x\] rehearsed in the sandbox: drill vault-seal passed/);
    const storage = await runCli(['--config', sim.files.config, 'gate', 'promote', '--change-class', 'storage']);
    assert.equal(storage.code, 1);
    assert.match(storage.stdout, /^FAIL storage: no drill of class storage has been run in the sandbox/);
  });

  it('refuses --autopilot without lab-sim, and an unknown drill with the list', async () => {
    const unknown = await runCli(['--config', sim.files.config, 'drill', 'run', 'nope', '--autopilot']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no drill "nope"; drills: argocd-bad-sync, db-drop-restore/);
  });
});
