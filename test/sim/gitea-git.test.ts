import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LabSim } from '../../engine/sim/index.ts';
import { git, gitClient, headerEnv, scratchDir } from '../helpers/git-client.ts';
import { getJson, startTestSim } from '../helpers/lab-sim.ts';

const AS_T = ['-c', 'user.name=t', '-c', 'user.email=t@t'];

/** lab-sim's Gitea serves its repositories with the real `git http-backend`, under Gitea's rules. */
describe('git over HTTP on the lab-sim Gitea', () => {
  let sim: LabSim;
  let token: string;
  let base: string;
  const url = (repo: string, userinfo = '') => `${base.replace('://', `://${userinfo}`)}/arcodange/${repo}.git`;
  const api = (path: string, auth = true) => getJson(`${base}/api/v1${path}`, auth ? { authorization: `token ${token}` } : {});

  before(async () => {
    sim = await startTestSim({ seed: 23 });
    token = readFileSync(sim.files.giteaToken, 'utf8').trim();
    base = sim.urls.gitea;
  });
  after(() => sim.stop());

  it('anyone clones the public runbooks repository: the runbooks lab-tui ships, one seed commit', async () => {
    const dir = join(scratchDir('git-anon-'), 'runbooks');
    await git(['clone', '--quiet', url('runbooks'), dir]);
    assert.deepEqual(readdirSync(dir).filter((f) => f !== '.git').sort(), ['CLUSTER_RECOVERY.md', 'README.md']);
    assert.equal(await git(['log', '--format=%s'], { cwd: dir }), 'Initial lab state');
    const viaApi = await api('/repos/arcodange/runbooks/contents/CLUSTER_RECOVERY.md', false);
    assert.equal(Buffer.from(viaApi.body.content, 'base64').toString('utf8'), readFileSync(join(dir, 'CLUSTER_RECOVERY.md'), 'utf8'));
  });

  it('a private repository is refused anonymously with a Basic challenge, and served for the token however Gitea takes it', async () => {
    const anonymous = await gitClient(['ls-remote', url('gitops')]);
    assert.notEqual(anonymous.code, 0);
    assert.match(anonymous.stderr, /could not read Username/, 'git was asked for credentials');
    const raw = await fetch(`${base}/arcodange/gitops.git/info/refs?service=git-upload-pack`);
    assert.deepEqual([raw.status, raw.headers.get('www-authenticate')], [401, 'Basic realm="Gitea"']);

    const head = (await api('/repos/arcodange/gitops/branches/main')).body.commit.id;
    const line = `${head}\trefs/heads/main`;
    assert.match(await git(['ls-remote', url('gitops', `lab-tui:${token}@`)]), new RegExp(line), 'Basic, the token as password');
    assert.match(await git(['ls-remote', url('gitops', `${token}:x-oauth-basic@`)]), new RegExp(line), 'Basic, the token as user name');
    assert.match(await git(['ls-remote', url('gitops')], { env: headerEnv(`Authorization: token ${token}`) }), new RegExp(line), 'Authorization: token');
    assert.notEqual((await gitClient(['ls-remote', url('gitops')], { env: headerEnv('Authorization: token 0000') })).code, 0);
    const wrong = await fetch(`${base}/arcodange/gitops.git/info/refs?service=git-upload-pack`, { headers: { authorization: 'token 0000' } });
    assert.deepEqual([wrong.status, wrong.headers.get('www-authenticate')], [401, null], 'refused, not asked again');
  });

  it('a push needs the token: refused without it or with a wrong one, accepted with it; the API and ls-remote see the branch', async () => {
    const dir = join(scratchDir('git-push-'), 'runbooks');
    await git(['clone', '--quiet', url('runbooks'), dir]);
    writeFileSync(join(dir, 'NOTES.md'), '# notes\n');
    await git([...AS_T, 'add', 'NOTES.md'], { cwd: dir });
    await git([...AS_T, 'commit', '--quiet', '-m', 'notes'], { cwd: dir });
    const tip = await git(['rev-parse', 'HEAD'], { cwd: dir });

    const anonymous = await gitClient(['push', 'origin', 'HEAD:refs/heads/notes/first'], { cwd: dir });
    assert.notEqual(anonymous.code, 0);
    assert.match(anonymous.stderr, /could not read Username/);
    const wrong = await gitClient(['push', 'origin', 'HEAD:refs/heads/notes/first'], { cwd: dir, env: headerEnv('Authorization: token 0000') });
    assert.notEqual(wrong.code, 0);
    assert.equal((await api('/repos/arcodange/runbooks/branches/notes/first', false)).status, 404, 'nothing landed');

    await git(['push', '--quiet', 'origin', 'HEAD:refs/heads/notes/first'], { cwd: dir, env: headerEnv(`Authorization: token ${token}`) });
    const branch = await api('/repos/arcodange/runbooks/branches/notes/first', false);
    assert.deepEqual([branch.status, branch.body.name, branch.body.commit.id, branch.body.commit.message], [200, 'notes/first', tip, 'notes\n']);
    assert.match(await git(['ls-remote', url('runbooks')]), new RegExp(`${tip}\trefs/heads/notes/first`));
    const names = (await api('/repos/arcodange/runbooks/branches', false)).body.map((b: { name: string }) => b.name);
    assert.deepEqual(names, ['notes/first', 'main'], 'newest commit first');
  });

  it('the contents API commits through git: a clone fetches the commit, and the file and directory ids are git\'s', async () => {
    const created = await getJson(`${base}/api/v1/repos/arcodange/runbooks/contents/drills/extra.md`, {});
    assert.equal(created.status, 404);
    const res = await fetch(`${base}/api/v1/repos/arcodange/runbooks/contents/drills/extra.md`, {
      method: 'POST',
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: Buffer.from('# extra\n').toString('base64'), message: 'add an extra drill note' }),
    });
    const file = (await res.json()) as { commit: { sha: string }; content: { sha: string } };
    assert.equal(res.status, 201);
    const dir = join(scratchDir('git-contents-'), 'runbooks');
    await git(['clone', '--quiet', url('runbooks'), dir]);
    assert.equal(await git(['log', '-1', '--format=%H %s'], { cwd: dir }), `${file.commit.sha} add an extra drill note`);
    assert.equal(file.content.sha, await git(['rev-parse', 'HEAD:drills/extra.md'], { cwd: dir }));
    const listing = await api('/repos/arcodange/runbooks/contents?ref=main', false);
    const drills = listing.body.find((e: { path: string }) => e.path === 'drills');
    assert.deepEqual([drills.type, drills.sha], ['dir', await git(['rev-parse', 'HEAD:drills'], { cwd: dir })]);
    assert.equal(drills.last_commit_sha, file.commit.sha);
  });

  it('an unknown repository: credentials asked for anonymously (Gitea does not say it is absent), 404 with the token, no push-to-create', async () => {
    assert.equal((await fetch(`${base}/arcodange/nothing.git/info/refs?service=git-upload-pack`)).status, 401);
    const auth = { authorization: `token ${token}` };
    const missing = await fetch(`${base}/arcodange/nothing.git/info/refs?service=git-upload-pack`, { headers: auth });
    assert.deepEqual([missing.status, await missing.text()], [404, 'Repository not found\n']);
    assert.equal((await fetch(`${base}/arcodange/nothing.git/info/refs?service=git-receive-pack`, { headers: auth })).status, 403);
  });
});
