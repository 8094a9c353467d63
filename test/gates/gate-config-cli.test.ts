import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { GateResult } from '../../engine/gates/gate-result.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { runCli } from '../helpers/cli.ts';
import { configWith, convergedInventory, GATE_FIXTURES } from '../helpers/gate-config.ts';
import { startTestSim } from '../helpers/lab-sim.ts';

/** `gate idempotence` and `gate tofu-plan` read their files from `sandbox.gates` when no flag names one. */
describe('lab-tui gate idempotence / tofu-plan from the configuration', () => {
  let sim: LabSim;
  let dir: string;
  let configured: string;
  let bare: string;
  before(async () => {
    sim = await startTestSim({ seed: 73 });
    await sim.advance(60_000);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-config-'));
    const inventory = convergedInventory(dir);
    configured = configWith(sim.files.config, dir, {
      gates: {
        idempotence: { playbook: path.relative(dir, path.join(GATE_FIXTURES, 'ansible/idempotent.yml')), inventory: path.basename(inventory) },
        tofuPlan: { plan: path.relative(dir, path.join(GATE_FIXTURES, 'plan-prod-update.json')) },
      },
    });
    fs.mkdirSync(path.join(dir, 'bare'));
    bare = configWith(sim.files.config, path.join(dir, 'bare'), {});
  });
  after(() => sim.stop());

  const gate = (config: string, ...args: string[]) => runCli(['--config', config, 'gate', ...args, '--evidence-dir', path.join(dir, 'evidence')], { HOME: dir });

  it('tofu-plan reads sandbox.gates.tofuPlan.plan (relative to the configuration file); --plan overrides it', async () => {
    const fromConfig = await gate(configured, 'tofu-plan', '--json');
    assert.equal(fromConfig.code, 1, fromConfig.stderr);
    const r = JSON.parse(fromConfig.stdout) as GateResult;
    assert.equal(r.gate, 'tofu-plan');
    assert.match(r.summary, /outside sandbox\.arcodange\.lab/);
    const flag = await gate(configured, 'tofu-plan', '--plan', path.join(GATE_FIXTURES, 'plan-all-inside.json'));
    assert.equal(flag.code, 0, flag.stdout + flag.stderr);
  });

  it('idempotence reads sandbox.gates.idempotence (playbook, inventory); --playbook overrides the playbook only', async () => {
    const fromConfig = await gate(configured, 'idempotence', '--json');
    assert.equal(fromConfig.code, 0, fromConfig.stdout + fromConfig.stderr);
    assert.match((JSON.parse(fromConfig.stdout) as GateResult).summary, /changed=0 on 1 host/);
    const drifted = await gate(configured, 'idempotence', '--playbook', path.join(GATE_FIXTURES, 'ansible/drifted.yml'));
    assert.equal(drifted.code, 1, drifted.stdout + drifted.stderr);
    assert.match(drifted.stdout, /^FAIL idempotence: not idempotent: host localhost: changed=2/);
    assert.match(drifted.stdout, /--- task motd is managed on localhost\n.*drifted\.yml:\d+[\s\S]*-converged\n\+converged at last\n/);
  });

  it('without the flag or the configuration key, exits 2 naming both', async () => {
    const plan = await gate(bare, 'tofu-plan');
    assert.equal(plan.code, 2);
    assert.match(plan.stderr, new RegExp(`needs --plan PLANFILE or sandbox\\.gates\\.tofuPlan\\.plan in ${path.join(dir, 'bare', 'config.yaml')}`));
    const idempotence = await gate(bare, 'idempotence');
    assert.equal(idempotence.code, 2);
    assert.match(idempotence.stderr, /needs --playbook P or sandbox\.gates\.idempotence\.playbook in .*bare\/config\.yaml/);
  });
});
