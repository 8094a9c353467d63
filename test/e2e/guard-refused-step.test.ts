import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readJournal } from '../../engine/runbook/journal.ts';
import { startLabSim, type LabSim } from '../../engine/sim/index.ts';
import { TmuxTerminal } from '../helpers/tmux.ts';
import { waitFor } from '../helpers/wait.ts';

const BIN = path.resolve('bin/lab-tui.js');

/** A command copied from a prod runbook, met in the cockpit: the step is blocked, with the rule and the line. */
describe('a runbook step that names prod, in a real terminal', () => {
  const term = new TmuxTerminal(160, 40);
  let sim: LabSim;
  let dir: string;

  before(async () => {
    sim = await startLabSim({ clock: 'manual', seed: 41 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-guard-'));
    term.start({ HOME: dir, PATH: process.env.PATH ?? '' });
  });
  after(async () => {
    term.kill();
    await sim.stop();
  });

  it('shows the refusal with its rule and runbook line, runs nothing, and skips on s', async () => {
    const file = path.join(dir, 'copied.md');
    fs.writeFileSync(file, '# Copied\n\n## Drain\n\n1. [AGENT] Drain pi3 (from the prod runbook)\n   ```sh\n   kubectl --context arcodange-prod drain pi3\n   ```\n2. [AGENT] Look\n   ```sh\n   echo looked\n   ```\n');
    term.type(`node ${BIN} --config ${sim.files.config} run ${file} --section drain`);
    const screen = await term.waitForText(/blocked: refused by the isolation guard \(command\.context\)/);
    assert.match(screen, /arcodange-prod/);
    assert.match(screen, /copied\.md:6/);
    assert.match(screen, /r retry, s skip, f failed/);
    term.keys('s');
    await term.waitForText(/why skip it/);
    term.literal('names prod');
    term.keys('Enter');
    await term.waitForText(/passed|finished/);
    term.keys('q');
    const runs = path.join(sim.stateDir, 'evidence', 'runs');
    const journal = await waitFor(() => fs.readdirSync(runs).find((f) => f.endsWith('.jsonl')), { what: 'the run journal' });
    const records = readJournal(path.join(runs, journal)).records;
    assert.ok(records.some((r) => r.type === 'command-refused' && r.rule === 'command.context' && r.line === 6));
    assert.ok(!records.some((r) => r.type === 'step-action' && r.step === 'drain/1'), 'the refused command never ran');
    assert.ok(records.some((r) => r.type === 'output' && r.text.includes('looked')));
  });
});
