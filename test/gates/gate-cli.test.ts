import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { GateResult } from '../../engine/gates/gate-result.ts';
import { latestGateResults } from '../../engine/gates/gate-store.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestSim } from '../helpers/lab-sim.ts';

const FIXTURES = path.resolve('test/gates/fixtures');

/** The fidelity gates as CI runs them: exit codes, --json, results kept for the Gates screen. */
describe('lab-tui gate parity / tofu-plan from the CLI', () => {
  let sim: LabSim;
  let evidence: string;
  before(async () => {
    sim = await startTestSim({ seed: 71 });
    await sim.advance(60_000);
    evidence = fs.mkdtempSync(path.join(os.tmpdir(), 'gates-'));
  });
  after(() => sim.stop());

  const gate = (...args: string[]) => runCli(['--config', sim.files.config, 'gate', ...args, '--evidence-dir', evidence]);

  it('parity passes on a faithful lab-sim (exit 0) and fails on drift (exit 1, naming it)', async () => {
    const ok = await gate('parity', '--json');
    assert.equal(ok.code, 0, ok.stderr);
    const r = JSON.parse(ok.stdout) as GateResult;
    assert.equal(r.schema, 'lab-tui/gate@1');
    assert.equal(r.ok, true);
    const manifest = path.join(evidence, 'parity.yaml');
    fs.writeFileSync(manifest, fs.readFileSync('manifests/parity.yaml', 'utf8').replace('vault: 1.17.6', 'vault: 1.18.0'));
    const drift = await gate('parity', '--manifest', manifest);
    assert.equal(drift.code, 1);
    assert.match(drift.stdout, /^FAIL parity: 1 drift\(s\): vault 1\.17\.6 ≠ 1\.18\.0/);
    assert.match(drift.stdout, /vault\s+1\.18\.0\s+1\.17\.6\s+DRIFT/);
  });

  it('tofu-plan passes inside the throwaway zone and fails on a prod record, and needs --plan', async () => {
    const inside = await gate('tofu-plan', '--plan', path.join(FIXTURES, 'plan-all-inside.json'));
    assert.equal(inside.code, 0, inside.stdout + inside.stderr);
    assert.match(inside.stdout, /^PASS tofu-plan: \d+ change\(s\), all inside sandbox\.arcodange\.lab/);
    const prod = await gate('tofu-plan', '--plan', path.join(FIXTURES, 'plan-prod-update.json'));
    assert.equal(prod.code, 1);
    assert.match(prod.stdout, /^FAIL tofu-plan: .*outside sandbox\.arcodange\.lab/);
    const usage = await gate('tofu-plan');
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /needs --plan PLANFILE/);
  });

  it('keeps every result with the evidence; the Gates screen shows the newest of each', () => {
    const { results, unreadable } = latestGateResults(evidence);
    assert.deepEqual(unreadable, []);
    // Newest of each: the drifted parity run and the prod-touching plan, both after their passing runs.
    assert.deepEqual(results.map((r) => [r.gate, r.ok]), [['parity', false], ['tofu-plan', false]]);
    assert.equal(fs.readdirSync(path.join(evidence, 'gates')).length, 4, 'every result is kept');
  });
});
