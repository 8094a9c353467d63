import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSimControl } from '../../engine/adapters/sim-control.ts';
import { startLabSim, type LabSim } from '../../engine/sim/index.ts';
import { TmuxTerminal } from '../helpers/tmux.ts';
import { loopbackOnly } from '../../src/guard/connect-policy.ts';

const BIN = path.resolve('bin/lab-tui.js');

/** The dashboard in a real terminal while faults land through lab-sim's control API. */
describe('dashboard against lab-sim, in a real terminal', () => {
  const term = new TmuxTerminal(160, 40);
  let sim: LabSim;
  const control = () => createSimControl(sim.urls.control, () => {}, loopbackOnly);

  before(async () => {
    sim = await startLabSim({ clock: 'manual', seed: 11 });
    await sim.advance(60_000);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-dash-'));
    term.start({ HOME: home, PATH: process.env.PATH ?? '' });
    term.type(`node ${BIN} --config ${sim.files.config}`);
    await term.waitForText(/kubernetes live/);
    await term.waitForText(/pi2\s+agent\s+Ready/);
  });

  after(async () => {
    term.keys('q');
    term.kill();
    await sim.stop();
  });

  it('a stopped node turns NotReady on its row', async () => {
    await control().fault('node-stop', 'pi2');
    await control().advance(45_000);
    await term.waitForText(/pi2\s+agent\s+NotReady/);
    await term.waitForText(/node pi2 went NotReady/);
    await control().fault('node-start', 'pi2');
    await control().advance(60_000);
    await term.waitForText(/pi2\s+agent\s+Ready/);
  });

  it('a sealed Vault shows sealed', async () => {
    await control().fault('vault-seal');
    await term.waitForText(/vault\s+down\s+\S+\s+sealed: unseal with the sandbox key/);
  });

  it('a power cut marks every source stale with a running outage timer; power back, live again', async () => {
    await control().fault('power-cut');
    const first = await term.waitForText(/● kubernetes stale since (\d\d:\d\d:\d\d) \(outage (\d+)s\)/);
    await term.waitForText(/● vault stale since/);
    await term.waitForText(/● gitea stale since/);
    assert.match(first, /Nodes\s+3\s+STALE since/, 'the last known nodes stay on screen, marked stale');
    assert.match(first, /pi1\s+control-plane,master/);
    const outage = (s: string) => Number(/kubernetes stale since \S+ \(outage (\d+)s\)/.exec(s)?.[1]);
    const before = outage(first);
    await term.waitForText(new RegExp(`kubernetes stale since \\S+ \\(outage (?!${before}s)\\d+s\\)`));
    await control().fault('power-restore');
    await control().advance(120_000);
    await term.waitForText(/● kubernetes live/, 30_000);
    await term.waitForText(/● gitea live/, 30_000);
    // The relist after power-back brings many cluster events; filter the Events view for ours.
    term.type(':events');
    await term.waitForText(/TIME\s+FROM\s+OBJECT\s+REASON\s+MESSAGE/);
    term.keys('/');
    term.type('reachable');
    await term.waitForText(/lab-tui\s+source\/kubernetes\s+SourceBack\s+kubernetes reachable again/);
    await term.waitForText(/lab-tui\s+source\/gitea\s+SourceBack\s+gitea reachable again/);
  });
});
