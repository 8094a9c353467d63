import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { readJournal } from '../../engine/runbook/journal.ts';
import { loadRunbook, parseRunbook } from '../../engine/runbook/parse-runbook.ts';
import { startRun } from '../../engine/runbook/start-run.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { runCli } from '../helpers/cli.ts';
import { git, scratchDir } from '../helpers/git-client.ts';
import { getJson, startTestSim } from '../helpers/lab-sim.ts';
import { engineOn, untilWithSimClock, type EngineHarness } from '../helpers/runbook-run.ts';
import { waitFor } from '../helpers/wait.ts';

const TOKEN_OF_ANOTHER_GITEA = 'gitea-token-0123456789abcdef';

/** A run with an improvised command, on the runbook of lab-sim's runbooks clone: the PR goes to lab-sim's own Gitea. */
describe('lab-tui pr propose: an improvised step becomes a draft runbook PR on the sandbox Gitea', () => {
  let sim: LabSim;
  let h: EngineHarness;
  let runId: string;
  let journal: string;
  let remote: string;
  let token: string;
  let withoutToken: string;
  const pulls = async () => (await getJson(`${sim.urls.gitea}/api/v1/repos/arcodange/runbooks/pulls?state=all`)).body as { number: number; title: string; body: string; head: { ref: string; sha: string }; base: { ref: string }; draft: boolean }[];

  before(async () => {
    sim = await startTestSim({ seed: 51 });
    await sim.advance(60_000);
    await sim.fault('vault-seal');
    h = await engineOn(sim);
    const c = parse(fs.readFileSync(sim.files.config, 'utf8'));
    remote = c.sandbox.runbooks.remote;
    token = fs.readFileSync(sim.files.giteaToken, 'utf8').trim();
    await waitFor(() => h.health.snapshots.get().vault?.sealed === true, { what: 'Vault sealed on the dashboard' });
    const { run, file } = startRun({ runbook: loadRunbook(path.join(c.sandbox.runbooks.path, 'CLUSTER_RECOVERY.md')), section: 'vault-unseal-vso-re-auth', dir: path.join(sim.stateDir, 'evidence', 'runs'), sandbox: 'lab-sim', pollMs: 20 }, h.deps);
    await untilWithSimClock(run, sim, 'step 1 waits', () => run.view.get().phase.kind === 'operator');
    run.send({ type: 'improvise', text: `Restarted the VSO controller pod (the root token ${JSON.parse(fs.readFileSync(sim.files.keyFile, 'utf8')).root_token} was not needed)`, command: 'echo restarted vso' });
    await waitFor(() => run.view.get().improvised[0]?.status !== undefined, { what: 'the improvised command ran' });
    run.send({ type: 'done' });
    await untilWithSimClock(run, sim, 'the run finishes', () => run.view.get().phase.kind === 'finished');
    runId = run.view.get().runId;
    journal = file;

    delete c.sandbox.gitea.tokenFile;
    withoutToken = path.join(sim.stateDir, 'config-without-token.yaml');
    fs.writeFileSync(withoutToken, stringify(c));
  });

  after(async () => {
    await h.stop();
    await sim.stop();
  });

  it('--dry-run shows the edit at its place and pushes nothing', async () => {
    const r = await runCli(['--config', sim.files.config, 'pr', 'propose', '--run', runId, '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /imp-1 after line \d+ \(vault-unseal-vso-re-auth, after vault-unseal-vso-re-auth\/1\)/);
    assert.match(r.stdout, /\[AGENT\] Restarted the VSO controller pod/);
    assert.deepEqual((await git(['ls-remote', '--heads', remote])).split('\n').map((l) => l.split('\t')[1]), ['refs/heads/main']);
  });

  it('pushes a branch that changes only the runbook, at the right place, opens a draft PR with the token of sandbox.gitea.tokenFile, and not a second one', async () => {
    // A GITEA_TOKEN exported for another Gitea is not what this sandbox gets.
    const r = await runCli(['--config', sim.files.config, 'pr', 'propose', '--run', runId], { GITEA_TOKEN: TOKEN_OF_ANOTHER_GITEA });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`draft PR ${sim.urls.gitea}/arcodange/runbooks/pulls/1`));
    const branch = /on branch (\S+)/.exec(r.stdout)![1]!;
    assert.match(branch, /^runbook\/run-\d{4}-\d\d-\d\d-[0-9a-f]{8}$/);
    const clone = path.join(scratchDir('pr-cli-'), 'runbooks');
    await git(['clone', '--quiet', remote, clone]);
    await git(['fetch', '--quiet', 'origin', branch], { cwd: clone });
    assert.equal(await git(['diff', '--name-only', 'origin/main', 'FETCH_HEAD'], { cwd: clone }), 'CLUSTER_RECOVERY.md');
    const text = await git(['show', 'FETCH_HEAD:CLUSTER_RECOVERY.md'], { cwd: clone });
    const section = parseRunbook('CLUSTER_RECOVERY.md', `${text}\n`).sections.find((s) => s.id === 'vault-unseal-vso-re-auth')!;
    assert.deepEqual(section.steps.map((s) => s.kind), ['HUMAN', 'AGENT', 'AGENT', 'AGENT', 'AGENT']);
    assert.match(section.steps[1]!.title, /^Restarted the VSO controller pod/);
    assert.equal(section.steps[1]!.command?.code, 'echo restarted vso');

    const [pr] = await pulls();
    assert.deepEqual([pr?.number, pr?.head.ref, pr?.base.ref, pr?.draft], [1, branch, 'main', true]);
    assert.match(pr!.title, /^WIP: runbook: 1 change\(s\) from a run on \d{4}-\d\d-\d\d$/);
    assert.match(pr!.body, /Run record: `.*\.jsonl`/);
    const log = await git(['log', '-p', 'FETCH_HEAD'], { cwd: clone });
    for (const s of [...h.sandbox.secretValues(), token]) {
      assert.ok(!pr!.body.includes(s), 'no secret in the PR body');
      assert.ok(!log.includes(s), 'no secret in the commit');
      assert.ok(!r.stdout.includes(s), 'no secret on the terminal');
    }
    const recorded = readJournal(journal).records.filter((x) => x.type === 'pr-proposed');
    assert.equal(recorded.at(-1)?.type === 'pr-proposed' && recorded.at(-1)?.url, `${sim.urls.gitea}/arcodange/runbooks/pulls/1`);

    const again = await runCli(['--config', sim.files.config, 'pr', 'propose', '--run', runId]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`draft PR \\(already open\\) ${sim.urls.gitea}/arcodange/runbooks/pulls/1`));
    assert.equal((await pulls()).length, 1, 'one PR, not two');
  });

  it('without a token: the branch (already pushed) stays, a patch is written next to the run record, and the next step is said', async () => {
    const r = await runCli(['--config', withoutToken, 'pr', 'propose', '--run', runId]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /not opened: branch \S+ is pushed, but no draft PR was opened: GITEA_TOKEN is not set/);
    const patch = /patch: (\S+)/.exec(r.stdout)![1]!;
    assert.equal(patch, journal.replace(/\.jsonl$/, '.runbook.patch'));
    assert.match(fs.readFileSync(patch, 'utf8'), /^\+\d+\. \[AGENT\] Restarted the VSO controller pod/m);
  });
});
