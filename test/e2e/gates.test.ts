import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { startLabSim, type LabSim } from '../../engine/sim/index.ts';
import { configWith, GATE_FIXTURES } from '../helpers/gate-config.ts';
import { TmuxTerminal } from '../helpers/tmux.ts';

const BIN = path.resolve('bin/lab-tui.js');
const WHEN = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d`;

/** The Gates screen in a real terminal: run a gate by its key, read the result and its time. */
describe('Gates screen in a real terminal', () => {
  const term = new TmuxTerminal(150, 36);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-gates-'));
  let sim: LabSim | undefined;
  after(async () => {
    term.kill();
    await sim?.stop();
  });

  it('runs parity with p and the canary chain with c on the embedded simulated sandbox, each PASS with its time', async () => {
    term.start({ HOME: home, XDG_CONFIG_HOME: path.join(home, 'config'), PATH: process.env.PATH ?? '' });
    term.type(`node ${BIN}`);
    await term.waitForText(/kubernetes live/);
    term.literal('4');
    await term.waitForText(/Fidelity gates[\s\S]*parity\s+never run[\s\S]*─ parity ─/);
    term.literal('p');
    await term.waitForText(new RegExp(`parity\\s+PASS\\s+${WHEN}\\s+parity: \\d+/\\d+ expectations hold`), 60_000);
    await term.waitForText(/✓ nodes: expected \d+, observed \d+/);
    term.literal('c');
    await term.waitForText(/canary\s+running…/);
    await term.waitForText(new RegExp(`canary\\s+PASS\\s+${WHEN}\\s+canary: canary resolves end to end`), 120_000);
    await term.waitForText(/✓ pod: canary\/canary[\s\S]*✓ cleanup/);
    term.literal('q');
    await term.waitForText(/E2E\$\s*$/m);
  });

  it('runs tofu-plan with t from sandbox.gates.tofuPlan.plan and shows what falls outside the throwaway zone', async () => {
    sim = await startLabSim({ clock: 'manual', seed: 83 });
    await sim.advance(60_000);
    const config = configWith(sim.files.config, home, { gates: { tofuPlan: { plan: path.join(GATE_FIXTURES, 'plan-prod-update.json') } } });
    term.type('clear');
    term.type(`node ${BIN} --config ${config}`);
    await term.waitForText(/kubernetes live/);
    term.literal('4');
    await term.waitForText(/idempotence\s+never run\s+cannot run here: set sandbox\.gates\.idempotence\.playbook/);
    term.literal('t');
    await term.waitForText(new RegExp(`tofu-plan\\s+FAIL\\s+${WHEN}\\s+1 of \\d+ change\\(s\\) outside sandbox\\.arcodange\\.lab`));
    await term.waitForText(/─ tofu-plan ─[\s\S]*✗ update cloudflare_record\.prod_www[\s\S]*is outside sandbox\.arcodange\.lab/);
    term.literal('q');
    await term.waitForText(/E2E\$\s*$/m);
  });
});
