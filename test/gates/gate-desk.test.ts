import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { GateResult } from '../../engine/gates/gate-result.ts';
import { latestGateResults } from '../../engine/gates/gate-store.ts';
import { Cockpit } from '../../engine/cockpit/cockpit.ts';
import type { DeskOptions } from '../../engine/cockpit/types.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { cockpitGates } from '../../src/cli/wiring.ts';
import { loadConfigFile } from '../../src/config/load.ts';
import { openSandbox } from '../../src/guard/sandbox.ts';
import { stubEngine, tempDir } from '../helpers/engine-stub.ts';
import { configWith, convergedInventory, GATE_FIXTURES } from '../helpers/gate-config.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { waitFor } from '../helpers/wait.ts';

const env = { PATH: process.env.PATH ?? '', HOME: os.homedir() };

function cockpitWith(gates: Pick<DeskOptions, 'gates' | 'unavailableGates'>) {
  const evidence = tempDir('gate-cockpit-');
  const cockpit = new Cockpit({ sources: [], runsDir: path.join(evidence, 'runs'), sandbox: 'lab-sim', ...gates }, stubEngine().deps);
  const settled = (gate: GateResult['gate']) => waitFor(() => (cockpit.state.get().gateRunning ? undefined : cockpit.state.get().gates.find((r) => r.gate === gate)), { what: `a result of ${gate}`, timeoutMs: 60_000 });
  return { cockpit, evidence, settled };
}

const result = (gate: GateResult['gate'], ok: boolean): GateResult => ({ schema: 'lab-tui/gate@1', gate, ok, summary: `${gate}: ${ok ? 'ok' : 'drift'}`, checks: [], at: new Date().toISOString() });

describe('the cockpit runs the gates of its registry, one at a time', () => {
  it('saves the result with the evidence, refuses a second gate while one runs, and says why a gate cannot run', async () => {
    let finish: (r: GateResult) => void = () => {};
    const { cockpit, evidence, settled } = cockpitWith({ gates: { parity: () => new Promise((res) => (finish = res)), 'tofu-plan': async () => result('tofu-plan', true) }, unavailableGates: { idempotence: 'set sandbox.gates.idempotence.playbook in /c.yaml' } });
    assert.deepEqual(cockpit.state.get().unavailableGates, { canary: 'not available in this cockpit yet', idempotence: 'set sandbox.gates.idempotence.playbook in /c.yaml' });

    cockpit.send({ type: 'gate', gate: 'parity' });
    await waitFor(() => cockpit.state.get().gateRunning === 'parity', { what: 'parity running' });
    cockpit.send({ type: 'gate', gate: 'tofu-plan' });
    await waitFor(() => cockpit.state.get().error, { what: 'the refusal' });
    assert.equal(cockpit.state.get().error, 'the parity gate is running: one gate at a time');
    finish(result('parity', false));
    await settled('parity');
    assert.deepEqual(latestGateResults(evidence).results.map((r) => [r.gate, r.ok]), [['parity', false]]);

    cockpit.send({ type: 'gate', gate: 'idempotence' });
    await waitFor(() => cockpit.state.get().error?.startsWith('idempotence'), { what: 'the reason' });
    assert.equal(cockpit.state.get().error, 'idempotence gate: set sandbox.gates.idempotence.playbook in /c.yaml');
    cockpit.send({ type: 'gate', gate: 'tofu-plan' });
    await settled('tofu-plan');
    assert.equal(cockpit.state.get().error, undefined, 'a gate that runs clears the last error');
  });

  it('shows a gate that throws as the cockpit error, once prefixed, and keeps nothing', async () => {
    const { cockpit, evidence } = cockpitWith({ gates: { 'tofu-plan': async () => Promise.reject(new Error('plan file not found: /p.json')), idempotence: async () => Promise.reject(new Error('idempotence gate: ansible-playbook timed out')) } });
    cockpit.send({ type: 'gate', gate: 'tofu-plan' });
    await waitFor(() => cockpit.state.get().error, { what: 'the error' });
    assert.equal(cockpit.state.get().error, 'tofu-plan gate: plan file not found: /p.json');
    await waitFor(() => !cockpit.state.get().gateRunning, { what: 'the gate to end' });
    cockpit.send({ type: 'gate', gate: 'idempotence' });
    await waitFor(() => cockpit.state.get().error?.startsWith('idempotence'), { what: 'the error' });
    assert.equal(cockpit.state.get().error, 'idempotence gate: ansible-playbook timed out');
    assert.deepEqual(latestGateResults(evidence).results, []);
  });
});

describe("the cockpit's gate registry from sandbox.gates", () => {
  let sim: LabSim;
  let dir: string;
  before(async () => {
    sim = await startTestSim({ seed: 79 });
    await sim.advance(60_000);
    dir = tempDir('cockpit-gates-');
  });
  after(() => sim.stop());

  it('runs idempotence and tofu-plan from the configured files and keeps their results for the Gates screen', async () => {
    const inventory = convergedInventory(dir);
    const config = configWith(sim.files.config, dir, { gates: { idempotence: { playbook: path.join(GATE_FIXTURES, 'ansible/drifted.yml'), inventory }, tofuPlan: { plan: path.join(GATE_FIXTURES, 'plan-all-inside.json') } } });
    const { cockpit, evidence, settled } = cockpitWith(cockpitGates(await openSandbox(loadConfigFile(config, env), env), undefined));
    assert.deepEqual(Object.keys(cockpit.state.get().unavailableGates), ['parity']);
    assert.equal(typeof cockpit.state.get().unavailableGates.canary, 'undefined', 'the canary gate runs from the cockpit');

    cockpit.send({ type: 'gate', gate: 'tofu-plan' });
    const plan = await settled('tofu-plan');
    assert.equal(plan.ok, true, plan.summary);
    cockpit.send({ type: 'gate', gate: 'idempotence' });
    const idempotence = await settled('idempotence');
    assert.equal(idempotence.ok, false);
    assert.match(idempotence.checks.find((c) => c.name === 'task motd is managed on localhost')!.detail!, /-converged\n\+converged at last/);
    assert.deepEqual(latestGateResults(evidence).results.map((r) => [r.gate, r.ok]), [['idempotence', false], ['tofu-plan', true]]);
    assert.equal(fs.readdirSync(path.join(evidence, 'gates')).length, 2);
  });

  it('without sandbox.gates, names the key to set and the configuration file', async () => {
    fs.mkdirSync(path.join(dir, 'bare'));
    const config = configWith(sim.files.config, path.join(dir, 'bare'), {});
    const { unavailableGates, gates } = cockpitGates(await openSandbox(loadConfigFile(config, env), env), async () => result('parity', true));
    assert.deepEqual(Object.keys(gates), ['parity', 'canary'], 'the canary gate needs only the live sandbox');
    assert.equal(unavailableGates.idempotence, `set sandbox.gates.idempotence.playbook (and inventory, limit) in ${config}`);
    assert.equal(unavailableGates['tofu-plan'], `set sandbox.gates.tofuPlan.plan (a plan file, or \`tofu show -json\` output) in ${config}`);
    const noZone = configWith(sim.files.config, path.join(dir, 'bare'), { dns: undefined, gates: { tofuPlan: { plan: 'plan.json' } } });
    assert.equal(cockpitGates(await openSandbox(loadConfigFile(noZone, env), env), undefined).unavailableGates['tofu-plan'], `set sandbox.dns.zone (the throwaway zone) in ${noZone}`);
  });
});
