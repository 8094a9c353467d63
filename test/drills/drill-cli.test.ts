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

  it('runs vault-seal unattended and prints a complete record; the gate ignores it (simulated) unless --allow-simulated, and says so', async () => {
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

    // A simulated run on autopilot proves nothing about the real sandbox: it lets no Vault change through.
    const gate = await runCli(['--config', sim.files.config, 'gate', 'promote', '--change-class', 'vault', '--change', 'gitea#7']);
    assert.equal(gate.code, 1, gate.stdout + gate.stderr);
    assert.match(gate.stdout, new RegExp(`^FAIL vault: no vault drill counts: 1 run\\(s\\) ignored; newest: ${rec.runId}: simulated: the guard identified lab-sim as lab-sim`));
    assert.match(gate.stdout, new RegExp(`^ignored ${rec.runId}: simulated: the guard identified lab-sim as lab-sim, which proves nothing about the real sandbox$`, 'm'));
    // For demos and tests it can be counted, and the verdict says it was.
    const allowed = await runCli(['--config', sim.files.config, 'gate', 'promote', '--change-class', 'vault', '--change', 'gitea#7', '--allow-simulated', '--json']);
    assert.equal(allowed.code, 0, allowed.stdout + allowed.stderr);
    const verdict = JSON.parse(allowed.stdout) as { ok: boolean; countedSimulated: boolean; reliedOn: { runId: string; sandbox: string; sectionDigest: string; outcome: string; timeToRecoverMs: number }[]; ignored: unknown[] };
    assert.deepEqual([verdict.ok, verdict.countedSimulated, verdict.ignored], [true, true, []]);
    assert.deepEqual(verdict.reliedOn.map((e) => [e.runId, e.sandbox, e.sectionDigest, e.outcome, e.timeToRecoverMs]), [[rec.runId, 'lab-sim', rec.runbook.sectionDigest, 'passed', rec.timeToRecover!.totalMs]]);
    assert.match(rec.runbook.sectionDigest ?? '', /^[0-9a-f]{64}$/);
    const md = await runCli(['--config', sim.files.config, 'gate', 'promote', '--change-class', 'vault', '--markdown', '--allow-simulated']);
    assert.match(md.stdout, /^### Promotion gate: vault\n\n- \[x\] rehearsed in the sandbox: drill vault-seal passed.*\n- ⚠ counted simulated evidence \(--allow-simulated\)/);
    assert.match(md.stdout, new RegExp(`\\| ${rec.runId} \\| \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d \\| lab-sim \\(simulated\\) \\| \`${rec.runbook.sectionDigest!.slice(0, 12)}\` \\| passed \\| (\\d+m)?\\d+s \\|`));
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
