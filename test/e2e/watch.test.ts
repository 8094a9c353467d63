import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startLabSim, type LabSim } from '../../engine/sim/index.ts';
import { TmuxTerminal } from '../helpers/tmux.ts';
import { waitFor } from '../helpers/wait.ts';

const BIN = path.resolve('bin/lab-tui.js');

/** The game-day room's second screen: `lab-tui watch` in another terminal follows the drill the operator runs. */
describe('lab-tui watch follows a live drill from a second terminal', () => {
  const operator = new TmuxTerminal(160, 40);
  const observer = new TmuxTerminal(140, 40);
  let sim: LabSim;

  before(async () => {
    sim = await startLabSim({ clock: 'manual', seed: 81 });
    await sim.advance(60_000);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-watch-'));
    operator.start({ HOME: home, PATH: process.env.PATH ?? '' });
    observer.start({ HOME: home, PATH: process.env.PATH ?? '' });
  });
  after(async () => {
    operator.kill();
    observer.kill();
    await sim.stop();
  });

  /** lab-sim's clock moves on while the operator's screen says the engine waits. */
  const untilWithClock = (term: TmuxTerminal, pattern: RegExp) =>
    waitFor(
      async () => {
        const s = term.screen();
        if (pattern.test(s)) return s;
        if (/verifying|running/.test(operator.screen())) await sim.advance(5_000);
        return undefined;
      },
      { what: `screen text ${pattern}`, timeoutMs: 60_000 },
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n--- screen ---\n${term.screen()}`);
    });

  it('shows the fault, each step as the operator does it, the health the journal records, and the outcome; its keys cannot act', async () => {
    operator.type(`node ${BIN} --config ${sim.files.config} drill run vault-seal`);
    await operator.waitForText(/DRILL vault-seal \(vault\) · fault/, 60_000);
    await operator.waitForText(/waiting for you/);

    observer.type(`node ${BIN} watch --evidence-dir ${path.join(sim.stateDir, 'evidence')}`);
    const first = await observer.waitForText(/OBSERVER · READ-ONLY .*drill vault-seal/);
    assert.match(first, /FAULT\s+vault-seal/);
    await observer.waitForText(/health\s+vault: unsealed → sealed|vault sealed/);
    assert.match(observer.screen(), /STEP  1\s+running\s+operator\s+running\s+\[HUMAN\] Confirm/);

    // Keys on the observer's screen do nothing to the drill: enter is no key of watch.
    observer.keys('Enter', 'f', 's');
    operator.keys('Enter');
    await untilWithClock(observer, /STEP  1\s+done\s+operator\s+\d+:\d\d\s+\[HUMAN\] Confirm/);
    await untilWithClock(operator, /PASSED|FAILED/);
    const end = await untilWithClock(observer, /^ (PASSED|PASSED-WITH-IMPROVISATION|FAILED)/m);
    assert.match(end, /ACCEPTANCE met/);
    assert.match(end, /time to recover \d+:\d\d/);

    observer.keys('q');
    await observer.waitForText(/^E2E\$\s*$/m);
    operator.keys('Enter', 'q');
    await operator.waitForText(/^E2E\$\s*$/m, 60_000);
  });
});
