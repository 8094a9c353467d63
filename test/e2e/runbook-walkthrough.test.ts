import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSimControl } from '../../engine/adapters/sim-control.ts';
import { verifyJournalFile } from '../../engine/runbook/journal-chain.ts';
import { listRuns, readJournal } from '../../engine/runbook/journal.ts';
import type { JournalRecord } from '../../engine/runbook/run-types.ts';
import { startLabSim, type LabSim } from '../../engine/sim/index.ts';
import { TmuxTerminal } from '../helpers/tmux.ts';
import { waitFor } from '../helpers/wait.ts';
import { loopbackOnly } from '../../src/guard/connect-policy.ts';

const BIN = path.resolve('bin/lab-tui.js');

/** Every step the journal started has an outcome; seqs are whole. */
function assertComplete(records: JournalRecord[], problems: unknown[]) {
  assert.deepEqual(problems, []);
  const started = records.filter((r) => r.type === 'step-started').map((r) => (r as { step: string }).step);
  for (const step of started) assert.ok(records.some((r) => r.type === 'step-finished' && r.step === step), `${step} has an outcome`);
  assert.deepEqual(records.map((r) => r.seq), records.map((_, i) => i + 1));
}

/** A finished run's journal ends with its outcome, then the seal over it, and verifies. */
function assertPassedAndSealed(file: string, records: JournalRecord[]) {
  assert.deepEqual(records.at(-2), { ...records.at(-2), type: 'run-finished', status: 'passed' });
  assert.equal(records.at(-1)?.type, 'journal-sealed');
  assert.deepEqual(verifyJournalFile(file), { status: 'valid', sealed: true, tornLines: [] });
}

/** The operator's view: lab-tui in a real terminal, walking a runbook against lab-sim. */
describe('runbook walkthrough in a real terminal', () => {
  const term = new TmuxTerminal(160, 42);
  let sim: LabSim;
  let secrets: string[];
  const control = () => createSimControl(sim.urls.control, () => {}, loopbackOnly);
  const runsDir = () => path.join(sim.stateDir, 'evidence', 'runs');
  // The lab's own runbook, as the Runbooks screen lists it: lab-sim's clone of arcodange/runbooks.
  const runbook = () => path.join(sim.stateDir, 'runbooks', 'CLUSTER_RECOVERY.md');

  before(async () => {
    sim = await startLabSim({ clock: 'manual', seed: 31 });
    await sim.advance(60_000);
    const keys = JSON.parse(fs.readFileSync(sim.files.keyFile, 'utf8')) as { unseal_keys_b64: string[]; unseal_keys_hex: string[]; root_token: string };
    secrets = [...keys.unseal_keys_b64, ...keys.unseal_keys_hex, keys.root_token, fs.readFileSync(sim.files.postgresPassword, 'utf8').trim()];
    term.start({ HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-rb-')), PATH: process.env.PATH ?? '' });
  });

  after(async () => {
    term.kill();
    await sim.stop();
  });

  /** While the screen says the engine verifies, lab-sim's clock moves on (VSO back-off, rollouts). */
  async function untilWithClock(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    return waitFor(
      async () => {
        const s = term.screen();
        if (pattern.test(s)) return s;
        if (/verifying/.test(s)) await control().advance(5_000);
        return undefined;
      },
      { what: `screen text ${pattern}`, timeoutMs },
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n--- screen ---\n${term.screen()}`);
    });
  }

  it('seal Vault, walk "Vault unseal + VSO re-auth" with an improvised step to green; the journal has every transition and no secret', async () => {
    await control().fault('vault-seal');
    term.type(`node ${BIN} --config ${sim.files.config} run ${runbook()} --section vault-unseal-vso-re-auth`);
    await term.waitForText(/\[HUMAN\] 1\. Confirm on the dashboard that Vault is sealed/);
    await term.waitForText(/waiting for you/);

    // Improvised: the operator looks at the key file. Its secrets must not reach the screen.
    term.keys('i');
    await term.waitForText(/what did you do: /);
    term.literal('Looked at the key file to check it is the sandbox one');
    term.keys('Enter');
    await term.waitForText(/command to run \(enter for none\): /);
    term.literal(`cat ${sim.files.keyFile}`);
    term.keys('Enter');
    await term.waitForText(/\+ ✓ Looked at the key file/);
    const keyOnScreen = await term.waitForText(/"root_token": "\[redacted\]"/);
    for (const s of secrets) assert.ok(!keyOnScreen.includes(s), 'the key file shown through lab-tui has its secrets redacted');

    term.keys('Enter');
    await untilWithClock(/run passed in/, 60_000);
    const screen = term.screen();
    assert.match(screen, /✓\s+1 H Confirm on the dashboard/);
    assert.match(screen, /✓\s+2 A Unseal Vault/);
    assert.match(screen, /✓\s+3 A Make VSO re-authenticate/);
    assert.match(screen, /✓\s+4 A Wait for the ERP/);
    for (const s of secrets) assert.ok(!screen.includes(s), 'no secret on screen');

    term.keys('Enter');
    await term.waitForText(/Runbooks: pick a procedure/);
    await term.waitForText(/Vault unseal \+ VSO re-auth\s+4 \(3 agent\)\s+\S+ \S+ passed/);
    term.keys('q');
    await term.waitForText(/^E2E\$\s*$/m);

    const [run] = listRuns(runsDir());
    const { records, problems } = readJournal(run!.file);
    assertComplete(records, problems);
    const types = records.map((r) => r.type);
    assert.equal(types[0], 'run-started');
    assertPassedAndSealed(run!.file, records);
    assert.ok(types.includes('improvised') && types.includes('improvised-finished'));
    assert.deepEqual(records.filter((r) => r.type === 'verified' && r.ok).map((r) => r.type === 'verified' && r.probe), ['vault.unsealed', 'secret.fresh', 'deployment.ready']);
    const text = fs.readFileSync(run!.file, 'utf8');
    for (const s of secrets) assert.ok(!text.includes(s), 'no secret in the journal');
  });

  it('kill -9 in the middle of a running step, then `lab-tui resume`: the run continues and the journal is complete', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-kill-'));
    const mark = path.join(dir, 'ran-once');
    const runbook = path.join(dir, 'slow.md');
    fs.writeFileSync(
      runbook,
      [
        '# Slow',
        '## Slow step',
        '1. [AGENT] A step that hangs the first time.',
        '   ```sh',
        `   if [ -f ${mark} ]; then echo second attempt; else touch ${mark}; echo first attempt; sleep 300; fi`,
        '   ```',
        '2. [HUMAN] Confirm.',
        '',
      ].join('\n'),
    );
    term.type(`node ${BIN} --config ${sim.files.config} run ${runbook}`);
    await term.waitForText(/first attempt/);
    await term.waitForText(/running \d+:\d\d/);
    const shell = execFileSync('tmux', ['-L', term.socket, 'display-message', '-p', '-t', term.session, '#{pane_pid}'], { encoding: 'utf8' }).trim();
    const pid = Number(execFileSync('pgrep', ['-P', shell, '-f', 'lab-tui.js'], { encoding: 'utf8' }).trim().split('\n')[0]);
    process.kill(pid, 'SIGKILL');
    await term.waitForText(/^E2E\$\s*$/m);
    term.type('reset; clear');

    term.type(`node ${BIN} --config ${sim.files.config} resume`);
    await term.waitForText(/second attempt/);
    await term.waitForText(/waiting for you/);
    term.keys('Enter');
    await term.waitForText(/run passed in/);
    term.keys('q');

    const run = listRuns(runsDir()).find((r) => r.started.section === 'slow-step')!;
    const { records, problems } = readJournal(run.file);
    assertComplete(records, problems);
    const step1 = records.filter((r) => 'step' in r && r.step === 'slow-step/1').map((r) => (r.type === 'step-finished' ? `${r.type}:${r.status}` : r.type));
    assert.deepEqual(step1.filter((t) => t.startsWith('step-') || t === 'process-started'), ['step-started', 'step-action', 'process-started', 'step-finished:aborted', 'step-started', 'step-action', 'process-started', 'step-finished:done']);
    assert.ok(records.some((r) => r.type === 'step-finished' && r.status === 'aborted' && /interrupted/.test(r.reason ?? '')));
    assert.ok(records.some((r) => r.type === 'run-resumed' && r.atStep === 'slow-step/1'));
    assertPassedAndSealed(run.file, records);
    // kill -9 leaves the step's process group behind; resume ended it.
    assert.ok(records.some((r) => r.type === 'step-finished' && /leftover process group \d+ was ended/.test(r.reason ?? '')));
    assert.equal(spawnSync('pgrep', ['-f', mark], { encoding: 'utf8' }).stdout.trim(), '', 'no process of the killed attempt is left');
  });
});
