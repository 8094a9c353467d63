import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readJournal } from '../../engine/runbook/journal.ts';
import { startLabSim, type LabSim } from '../../engine/sim/index.ts';
import { TmuxTerminal } from '../helpers/tmux.ts';
import { waitFor } from '../helpers/wait.ts';
import { configWith } from '../helpers/gate-config.ts';
import { git, scratchDir } from '../helpers/git-client.ts';

const BIN = path.resolve('bin/lab-tui.js');

/** A bare mirror of a remote with every branch, as a CI job's checkout of it would have. */
async function cloneOf(remote: string): Promise<string> {
  const dir = path.join(scratchDir('e2e-keys-evidence-'), 'mirror.git');
  await git(['clone', '--quiet', '--mirror', remote, dir]);
  return dir;
}

/** Keys as a person types them: bursts in one terminal read, a paste into a prompt, on the Drills screen. */
describe('cockpit keys in a real terminal', () => {
  const term = new TmuxTerminal(160, 44);
  let sim: LabSim;

  before(async () => {
    sim = await startLabSim({ clock: 'manual', seed: 71 });
    await sim.advance(60_000);
    term.start({ HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-keys-')), PATH: process.env.PATH ?? '' });
    // autoPush: the drill's evidence is shared with CI once the cockpit it ran in is closed.
    const withAutoPush = configWith(sim.files.config, scratchDir('e2e-keys-config-'), { evidence: { autoPush: true } });
    term.type(`node ${BIN} --config ${withAutoPush}`);
    await term.waitForText(/● kubernetes live/);
  });
  after(async () => {
    term.kill();
    await sim.stop();
  });

  it('jjG in one write selects the last drill; enter asks, enter injects it; a 30-character paste lands in the prompt shown in the hint bar', async () => {
    term.keys('3');
    await term.waitForText(/Drills: rehearse a failure/);
    term.literal('jjG');
    await term.waitForText(/^ vault-seal: Vault seal/m);
    term.keys('Enter');
    await term.waitForText(/inject vault-seal into sandbox lab-sim \(drill vault-seal, vault\)\? enter again to start/);
    term.keys('Enter');
    await term.waitForText(/DRILL vault-seal \(vault\) · fault/, 60_000);
    await term.waitForText(/waiting for you/);

    term.keys('i');
    await term.waitForText(/^what did you do: /m);
    const paste = 'looked at the vault pod events';
    assert.equal(paste.length, 30);
    term.literal(paste);
    await term.waitForText(`what did you do: ${paste}`);
    term.keys('Enter');
    await term.waitForText(/^command to run \(enter for none\): /m);
    term.keys('Enter');
    await term.waitForText(`+ ${paste}`);

    // Quitting asks first: this sandbox outlives the cockpit, so the drill could be left for later.
    term.keys('q');
    await term.waitForText(/drill vault-seal is running: abort it, or leave it for later\? a abort and quit {2}· {2}l leave it, resume later {2}· {2}esc stay/);
    // Aborting it: its cleanup and the steady-state check run on lab-sim's clock.
    term.keys('a');
    await waitFor(
      async () => {
        if (/^E2E\$\s*$/m.test(term.screen())) return true;
        await sim.advance(5_000);
        return false;
      },
      { what: 'lab-tui exits once the aborted drill is cleaned up', timeoutMs: 60_000 },
    );
    assert.doesNotMatch(term.screen(), /lab-tui resume/, 'an aborted drill has its outcome: nothing to resume');
    await term.waitForText(/lab-tui: evidence: pushed 1 run\(s\) to \S+\/arcodange\/runbooks\.git \(branch evidence\), one commit each/);
    const runs = path.join(sim.stateDir, 'evidence', 'runs');
    const file = await waitFor(() => fs.readdirSync(runs).find((f) => f.includes('vault-unseal')), { what: 'the drill journal' });
    const records = readJournal(path.join(runs, file)).records;
    assert.ok(records.some((r) => r.type === 'drill-started' && r.drill === 'vault-seal'), 'the drill aimed at is the one injected');
    assert.ok(records.some((r) => r.type === 'improvised' && r.text === paste), 'every pasted character reached the journal, in order');
    const shared = await git(['show', `refs/heads/evidence:runs/${file}`], { cwd: await cloneOf(`${sim.urls.gitea}/arcodange/runbooks.git`) });
    assert.equal(`${shared}\n`, fs.readFileSync(path.join(runs, file), 'utf8'), 'the journal on the evidence branch is the one on disk');
  });
});
