import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { TmuxTerminal } from '../helpers/tmux.ts';

const BIN = path.resolve('bin/lab-tui.js');

describe('lab-tui in a real terminal', () => {
  const term = new TmuxTerminal(120, 32);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-home-'));
  after(() => term.kill());

  it('starts on the embedded simulated sandbox, navigates, shows help, quits and restores the terminal', async () => {
    term.start({ HOME: home, XDG_CONFIG_HOME: path.join(home, 'config'), PATH: process.env.PATH ?? '' });
    term.type('stty -a | grep -o " icanon\\| echo " | tr -d "\\n"; echo " before-launch"');
    await term.waitForText(/icanon echo\s+before-launch/);

    term.type(`node ${BIN}`);
    await term.waitForText(/SIMULATED/);
    await term.waitForText(/kubernetes live/);
    assert.equal(term.modes().alternateScreen, true, 'runs on the alternate screen');

    term.literal('3');
    await term.waitForText(/Drills: rehearse a failure[\s\S]*vault-seal\s+vault/);
    term.literal(':');
    term.literal('evidence');
    term.keys('Enter');
    await term.waitForText(/Evidence: 0 drill run\(s\)/);

    term.literal('?');
    await term.waitForText('Keys (esc or ? closes)');
    term.keys('Escape');
    await term.waitForText(/Evidence\s*\n/);

    term.resize(90, 20);
    await term.waitForText(/lab-tui/);

    term.literal('q');
    await term.waitForText(/before-launch[\s\S]*E2E\$\s*$/m);
    const modes = term.modes();
    assert.equal(modes.alternateScreen, false, 'alternate screen left');
    assert.equal(modes.cursorVisible, true, 'cursor shown again');
    term.type('echo "exit=$?"; stty -a | grep -o " icanon\\| echo " | tr -d "\\n"; echo " after-quit"');
    await term.waitForText(/exit=0\s*\n\s*icanon echo\s+after-quit/);
  });

  it('NO_COLOR turns colour off', async () => {
    term.type('clear');
    term.type(`NO_COLOR=1 node ${BIN} --sim`);
    await term.waitForText(/kubernetes live/);
    assert.doesNotMatch(term.styledScreen(), /\x1b\[[0-9;]*3[0-9](;[0-9;]*)?m/, 'no foreground colour escape on screen');
    term.literal('q');
    await term.waitForText(/E2E\$\s*$/m);
  });

  it('Ctrl-C quits just as cleanly', async () => {
    term.type('clear');
    term.type(`node ${BIN} --sim`);
    await term.waitForText(/kubernetes live/);
    term.keys('C-c');
    await term.waitForText(/E2E\$\s*$/m);
    assert.equal(term.modes().alternateScreen, false);
    term.type('echo "exit=$?"; stty -a | grep -o " icanon\\| echo " | tr -d "\\n"; echo " after-ctrl-c"');
    await term.waitForText(/exit=0\s*\n\s*icanon echo\s+after-ctrl-c/);
  });
});
