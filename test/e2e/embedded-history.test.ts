import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { startVaultSealDrill } from '../helpers/cockpit-drill.ts';
import { TmuxTerminal } from '../helpers/tmux.ts';
import { waitFor } from '../helpers/wait.ts';

const BIN = path.resolve('bin/lab-tui.js');
const ALL_LIVE = /● kubernetes live\s+● vault live\s+● postgres live\s+● gitea live\s+● stepca live/;

/**
 * The embedded default keeps its history: a drill run in one `npx lab-tui` is on the next one's
 * Evidence screen (marked simulated), and each cockpit leaves nothing of lab-sim in the temp
 * directory, whether it ends with q, Ctrl-C or SIGTERM. Quitting during the drill asks how: on the
 * embedded lab-sim, which is gone with the cockpit, leaving it for later is not offered.
 */
describe('two embedded cockpits, one after the other, in a real terminal', () => {
  const term = new TmuxTerminal(170, 44);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-history-'));
  const tmp = path.join(home, 'tmp');
  // A temp directory as /tmp is: PostgreSQL's own user (lab-sim runs it as root here) must reach its data.
  fs.chmodSync(home, 0o755);
  fs.mkdirSync(tmp, { mode: 0o1777 });
  fs.chmodSync(tmp, 0o1777);
  after(async () => {
    term.kill();
    // lab-sim may still be copying a spare PostgreSQL cluster into its template cache in the background.
    const pool = path.join(tmp, 'lab-sim-postgres');
    const copying = () => (fs.existsSync(pool) ? fs.readdirSync(pool).flatMap((v) => (fs.statSync(path.join(pool, v)).isDirectory() ? fs.readdirSync(path.join(pool, v)).filter((n) => n.startsWith('.copy-')) : [])) : []);
    await waitFor(() => copying().length === 0, { what: `lab-sim's background copies into ${pool} to end`, timeoutMs: 60_000 });
    // The killed pane's shell may still be writing its history into HOME.
    await waitFor(
      () => {
        try {
          fs.rmSync(home, { recursive: true, force: true });
          return true;
        } catch {
          return false;
        }
      },
      { what: `${home} removed`, timeoutMs: 30_000 },
    );
  });

  /** What lab-sim left in the temp directory: its PostgreSQL template cache is all that may stay (shared, reused by the next start). */
  const leftovers = () => [
    ...fs.readdirSync(tmp).filter((n) => n !== 'lab-sim-postgres'),
    ...(fs.existsSync(path.join(tmp, 'lab-sim-postgres')) ? fs.readdirSync(path.join(tmp, 'lab-sim-postgres')).flatMap((v) => fs.readdirSync(path.join(tmp, 'lab-sim-postgres', v)).filter((n) => /^(run-|\.discarded-)/.test(n)).map((n) => `lab-sim-postgres/${v}/${n}`)) : []),
  ];
  const nothingLeft = (after: string) => waitFor(() => leftovers().length === 0, { what: `nothing of lab-sim left in ${tmp} after ${after}: ${leftovers().join(', ')}`, timeoutMs: 20_000 });

  const start = async () => {
    term.type('clear');
    term.type(`node ${BIN}`);
    await term.waitForText(ALL_LIVE, 60_000);
  };

  it('q during a drill asks; a aborts it (no resume line), and nothing of lab-sim is left in the temp directory', async () => {
    term.start({ HOME: home, XDG_CONFIG_HOME: path.join(home, 'config'), TMPDIR: tmp, PATH: process.env.PATH ?? '' });
    await start();
    await startVaultSealDrill(term);
    term.keys('q');
    const asked = await term.waitForText(/drill vault-seal is running: abort it, or leave it for later\? a abort and quit {2}· {2}esc stay/);
    assert.doesNotMatch(asked, /l leave it/, 'not offered: the embedded lab-sim is gone once the cockpit quits');
    term.keys('a');
    const shell = await term.waitForText(/E2E\$\s*$/m, 30_000);
    assert.doesNotMatch(shell, /resume/, 'no resume line: nothing could resume it');
    await nothingLeft('q');
  });

  it('the next cockpit shows that run on its Evidence screen, marked simulated; Ctrl-C leaves nothing behind either', async () => {
    await start();
    term.keys('5');
    const evidence = await term.waitForText(/Evidence: 1 drill run\(s\)/);
    assert.match(evidence, /vault-seal\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+failed\s+sealed\s+lab-sim \(sim\)/);
    const runs = path.join(home, '.local', 'share', 'lab-tui', 'lab-sim', 'evidence', 'runs');
    assert.equal(fs.readdirSync(runs).filter((n) => n.endsWith('.jsonl')).length, 1, `the run is kept in ${runs}`);
    term.keys('C-c');
    await term.waitForText(/E2E\$\s*$/m, 30_000);
    await nothingLeft('Ctrl-C');
  });

  it('SIGTERM leaves nothing behind either', async () => {
    await start();
    const shell = execFileSync('tmux', ['-L', term.socket, 'display-message', '-p', '-t', term.session, '#{pane_pid}'], { encoding: 'utf8' }).trim();
    const pid = Number(execFileSync('pgrep', ['-P', shell, '-f', 'lab-tui.js'], { encoding: 'utf8' }).trim().split('\n')[0]);
    process.kill(pid, 'SIGTERM');
    await term.waitForText(/E2E\$\s*$/m, 30_000);
    await nothingLeft('SIGTERM');
  });
});
