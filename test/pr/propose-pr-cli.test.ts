import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { manifestPath } from '../../engine/common/package-root.ts';
import { readJournal } from '../../engine/runbook/journal.ts';
import { loadRunbook, parseRunbook } from '../../engine/runbook/parse-runbook.ts';
import { startRun } from '../../engine/runbook/start-run.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { engineOn, untilWithSimClock, type EngineHarness } from '../helpers/runbook-run.ts';
import { waitFor } from '../helpers/wait.ts';

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-C', cwd, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { encoding: 'utf8' }).trim();
const TOKEN = 'gitea-token-0123456789abcdef';

/** A Gitea that records what it is asked and keeps the PRs it opened. */
function fakeGitea() {
  const calls: { method: string; url: string; auth?: string; body?: { title: string; body: string; head: string; base: string } }[] = [];
  const pulls: { number: number; html_url: string; head: { ref: string } }[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const body = text ? JSON.parse(text) : undefined;
      calls.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET') return res.end(JSON.stringify(pulls));
      const pr = { number: pulls.length + 1, html_url: `http://gitea.sandbox/arcodange/runbooks/pulls/${pulls.length + 1}`, head: { ref: body.head } };
      pulls.push(pr);
      res.statusCode = 201;
      res.end(JSON.stringify(pr));
    });
  });
  return { server, calls };
}

/** A run with an improvised command, on a runbook that lives in a clone of the runbooks repository. */
describe('lab-tui pr propose: an improvised step becomes a draft runbook PR', () => {
  let sim: LabSim;
  let h: EngineHarness;
  let dir: string;
  let bare: string;
  let clone: string;
  let config: string;
  let runId: string;
  let journal: string;
  const gitea = fakeGitea();

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pr-e2e-'));
    bare = path.join(dir, 'arcodange', 'runbooks.git');
    fs.mkdirSync(bare, { recursive: true });
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
    const seed = path.join(dir, 'seed');
    execFileSync('git', ['init', '-q', '-b', 'main', seed]);
    fs.copyFileSync(manifestPath('runbooks/CLUSTER_RECOVERY.md'), path.join(seed, 'CLUSTER_RECOVERY.md'));
    git(seed, 'add', '.');
    git(seed, 'commit', '-qm', 'runbooks');
    git(seed, 'push', '-q', bare, 'main');
    clone = path.join(dir, 'clone');
    execFileSync('git', ['clone', '-q', bare, clone]);
    await new Promise<void>((r) => gitea.server.listen(0, '127.0.0.1', r));

    sim = await startTestSim({ seed: 51 });
    await sim.advance(60_000);
    await sim.fault('vault-seal');
    h = await engineOn(sim);
    await waitFor(() => h.health.snapshots.get().vault?.sealed === true, { what: 'Vault sealed on the dashboard' });
    const { run, file } = startRun({ runbook: loadRunbook(path.join(clone, 'CLUSTER_RECOVERY.md')), section: 'vault-unseal-vso-re-auth', dir: path.join(dir, 'evidence', 'runs'), sandbox: 'lab-sim', pollMs: 20 }, h.deps);
    await untilWithSimClock(run, sim, 'step 1 waits', () => run.view.get().phase.kind === 'operator');
    run.send({ type: 'improvise', text: `Restarted the VSO controller pod (the root token ${JSON.parse(fs.readFileSync(sim.files.keyFile, 'utf8')).root_token} was not needed)`, command: 'echo restarted vso' });
    await waitFor(() => run.view.get().improvised[0]?.status !== undefined, { what: 'the improvised command ran' });
    run.send({ type: 'done' });
    await untilWithSimClock(run, sim, 'the run finishes', () => run.view.get().phase.kind === 'finished');
    runId = run.view.get().runId;
    journal = file;

    const c = parse(fs.readFileSync(sim.files.config, 'utf8'));
    c.sandbox.runbooks = { path: clone, remote: bare };
    c.sandbox.gitea = { url: `http://127.0.0.1:${(gitea.server.address() as AddressInfo).port}` };
    c.sandbox.evidenceDir = path.join(dir, 'evidence');
    config = path.join(dir, 'config.yaml');
    fs.writeFileSync(config, stringify(c));
  });

  after(async () => {
    gitea.server.close();
    await h.stop();
    await sim.stop();
  });

  it('--dry-run shows the edit at its place and pushes nothing', async () => {
    const r = await runCli(['--config', config, 'pr', 'propose', '--run', runId, '--dry-run'], { GITEA_TOKEN: TOKEN });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /imp-1 after line \d+ \(vault-unseal-vso-re-auth, after vault-unseal-vso-re-auth\/1\)/);
    assert.match(r.stdout, /\[AGENT\] Restarted the VSO controller pod/);
    assert.equal(git(bare, 'branch', '--list'), '* main');
  });

  it('pushes a branch that changes only the runbook, at the right place, opens a draft PR, and does not open a second one', async () => {
    const r = await runCli(['--config', config, 'pr', 'propose', '--run', runId], { GITEA_TOKEN: TOKEN });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /draft PR http:\/\/gitea\.sandbox\/arcodange\/runbooks\/pulls\/1/);
    const branch = /on branch (\S+)/.exec(r.stdout)![1]!;
    assert.match(branch, /^runbook\/run-\d{4}-\d\d-\d\d-[0-9a-f]{8}$/);
    assert.equal(git(bare, 'diff', '--name-only', 'main', branch), 'CLUSTER_RECOVERY.md');
    const text = git(bare, 'show', `${branch}:CLUSTER_RECOVERY.md`);
    const section = parseRunbook('CLUSTER_RECOVERY.md', `${text}\n`).sections.find((s) => s.id === 'vault-unseal-vso-re-auth')!;
    assert.deepEqual(section.steps.map((s) => s.kind), ['HUMAN', 'AGENT', 'AGENT', 'AGENT', 'AGENT']);
    assert.match(section.steps[1]!.title, /^Restarted the VSO controller pod/);
    assert.equal(section.steps[1]!.command?.code, 'echo restarted vso');

    const post = gitea.calls.find((c) => c.method === 'POST')!;
    assert.equal(post.url, '/api/v1/repos/arcodange/runbooks/pulls');
    assert.equal(post.auth, `token ${TOKEN}`);
    assert.match(post.body!.title, /^WIP: runbook: 1 change\(s\) from a run on \d{4}-\d\d-\d\d$/);
    assert.equal(post.body!.head, branch);
    assert.equal(post.body!.base, 'main');
    assert.match(post.body!.body, /Run record: `.*\.jsonl`/);
    const secrets = h.sandbox.secretValues();
    for (const s of [...secrets, TOKEN]) {
      assert.ok(!post.body!.body.includes(s), 'no secret in the PR body');
      assert.ok(!git(bare, 'log', '-p', branch).includes(s), 'no secret in the commit');
      assert.ok(!r.stdout.includes(s), 'no secret on the terminal');
    }
    const recorded = readJournal(journal).records.filter((x) => x.type === 'pr-proposed');
    assert.equal(recorded.at(-1)?.type === 'pr-proposed' && recorded.at(-1)?.url, 'http://gitea.sandbox/arcodange/runbooks/pulls/1');

    const again = await runCli(['--config', config, 'pr', 'propose', '--run', runId], { GITEA_TOKEN: TOKEN });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /draft PR \(already open\) http:\/\/gitea\.sandbox\/arcodange\/runbooks\/pulls\/1/);
    assert.equal(gitea.calls.filter((c) => c.method === 'POST').length, 1, 'one PR, not two');
  });

  it('without a token: the branch is pushed, a patch is written next to the run record, and the next step is said', async () => {
    const r = await runCli(['--config', config, 'pr', 'propose', '--run', runId]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /not opened: branch \S+ is pushed, but no draft PR was opened: GITEA_TOKEN is not set/);
    const patch = /patch: (\S+)/.exec(r.stdout)![1]!;
    assert.equal(patch, journal.replace(/\.jsonl$/, '.runbook.patch'));
    assert.match(fs.readFileSync(patch, 'utf8'), /^\+\d+\. \[AGENT\] Restarted the VSO controller pod/m);
  });
});
