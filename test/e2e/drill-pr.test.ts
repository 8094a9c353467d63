import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { git, scratchDir } from '../helpers/git-client.ts';
import { getJson } from '../helpers/lab-sim.ts';
import { startVaultSealDrill } from '../helpers/cockpit-drill.ts';
import { TmuxTerminal } from '../helpers/tmux.ts';

const BIN = path.resolve('bin/lab-tui.js');

/**
 * The game-day loop as an operator lives it, on the embedded default (no configuration, no
 * GITEA_TOKEN): drill, improvise, recover, propose the runbook change; the draft PR lands in
 * lab-sim's own Gitea, its branch in the runbooks repository anyone can clone.
 */
describe('vault-seal drill with an improvised step, then its draft runbook PR on the embedded lab-sim, in a real terminal', () => {
  const term = new TmuxTerminal(170, 44);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-pr-'));
  // The embedded lab-sim's temporary state directory is made there: the test reads its Gitea token.
  const tmp = path.join(home, 'tmp');

  before(async () => {
    // A temp directory as /tmp is: PostgreSQL's own user (lab-sim runs it as root here) must reach its data.
    fs.chmodSync(home, 0o755);
    fs.mkdirSync(tmp);
    fs.chmodSync(tmp, 0o1777);
    term.start({ HOME: home, XDG_CONFIG_HOME: path.join(home, 'config'), TMPDIR: tmp, PATH: process.env.PATH ?? '' });
    term.type(`node ${BIN}`);
    // The drill checks its steady state first: it starts once the header says every source is live.
    await term.waitForText(/● kubernetes live\s+● vault live\s+● postgres live\s+● gitea live\s+● stepca live/, 60_000);
  });
  after(() => term.kill());

  it('improvises, recovers, proposes: the PR address on screen, the PR in the sim\'s API, the branch on the remote, no secret in the body', async () => {
    await startVaultSealDrill(term);
    await term.waitForText(/waiting for you/);
    term.keys('i');
    await term.waitForText(/what did you do: /);
    term.literal('Checked the VSO controller logs for the sealed Vault error');
    term.keys('Enter');
    await term.waitForText(/command to run \(enter for none\): /);
    term.literal('echo vso saw 503 vault is sealed');
    term.keys('Enter');
    await term.waitForText(/\+ ✓ Checked the VSO controller logs/);
    term.keys('Enter');
    // The embedded lab-sim runs on the real clock: VSO logs in again and the ERP rolls out in seconds.
    await term.waitForText(/PASSED-WITH-IMPROVISATION/, 120_000);
    await term.waitForText(/p propose PR/);

    term.keys('p');
    await term.waitForText(/Propose runbook changes from run/);
    await term.waitForText(/✓ imp-1 .*Checked the VSO controller logs/);
    term.keys('Enter');
    const done = await term.waitForText(/draft PR (http:\/\/127\.0\.0\.1:\d+)\/arcodange\/runbooks\/pulls\/1 +\(branch (runbook\/vault-seal-\S+)\)/, 60_000);
    const [, gitea, branch] = /draft PR (http:\/\/127\.0\.0\.1:\d+)\/arcodange\/runbooks\/pulls\/1 +\(branch (runbook\/vault-seal-\S+)\)/.exec(done) as unknown as [string, string, string];

    const pulls = await getJson(`${gitea}/api/v1/repos/arcodange/runbooks/pulls?state=open`);
    assert.equal(pulls.status, 200);
    assert.equal(pulls.body.length, 1);
    const pr = pulls.body[0];
    // The run record is in the embedded lab-sim's own evidence directory, kept between starts.
    assert.match(pr.body, new RegExp(`Run record: \`${path.join(home, '.local', 'share', 'lab-tui', 'lab-sim', 'evidence', 'runs').replaceAll('.', '\\.')}/[^/\`]+\\.jsonl\``));
    const [stateName] = fs.readdirSync(tmp).filter((n) => /^lab-sim-(?!postgres$|pg-)/.test(n));
    const stateDir = path.join(tmp, stateName!);
    const token = fs.readFileSync(path.join(stateDir, 'gitea-token'), 'utf8').trim();
    assert.deepEqual([pr.number, pr.head.ref, pr.base.ref, pr.draft], [1, branch, 'main', true]);
    assert.match(pr.title, /^WIP: runbook: 1 change\(s\) from drill vault-seal on /);
    assert.match(pr.body, /Drill: \*\*vault-seal\*\* \(vault\), outcome \*\*passed-with-improvisation\*\*/);
    const keys = JSON.parse(fs.readFileSync(path.join(stateDir, 'cluster-keys.json'), 'utf8'));
    for (const secret of [token, keys.root_token, ...keys.unseal_keys_b64]) assert.ok(!pr.body.includes(secret), 'no secret in the PR body');

    const remote = `${gitea}/arcodange/runbooks.git`;
    assert.match(await git(['ls-remote', remote]), new RegExp(`^${pr.head.sha}\\trefs/heads/${branch.replace(/[./]/g, '\\$&')}$`, 'm'));
    const clone = path.join(scratchDir('e2e-pr-clone-'), 'runbooks');
    await git(['clone', '--quiet', remote, clone]);
    await git(['fetch', '--quiet', 'origin', branch], { cwd: clone });
    assert.equal(await git(['diff', '--name-only', 'origin/main', 'FETCH_HEAD'], { cwd: clone }), 'CLUSTER_RECOVERY.md');
    assert.match(await git(['show', 'FETCH_HEAD:CLUSTER_RECOVERY.md'], { cwd: clone }), /\[AGENT\] Checked the VSO controller logs for the sealed Vault error/);
    assert.ok(!term.screen().includes(token), 'the token is not on screen');
    term.keys('Escape');
    term.keys('q');
    await term.waitForText(/E2E\$\s*$/m, 30_000);
  });
});
