import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { giteaForge } from '../../engine/pr/forge.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { git, headerEnv, scratchDir } from '../helpers/git-client.ts';
import { operationFor, requestSchema, responseSchema, schemaProblems } from '../helpers/gitea-swagger.ts';
import { startTestSim } from '../helpers/lab-sim.ts';

interface Exchange {
  method: string;
  path: string;
  status: number;
  request?: unknown;
  response: unknown;
}

/**
 * What the draft-PR flow and the canary gate ask of Gitea, answered by lab-sim and held against
 * Gitea 1.22's own swagger: the operation exists, the status is one it documents, every field
 * sent or answered is one of its schema's, of its type.
 */
describe('lab-sim Gitea API against the Gitea 1.22 swagger', () => {
  let sim: LabSim;
  let token: string;
  const exchanges: Exchange[] = [];
  const branch = 'runbook/vault-seal-2026-06-23-0123abcd';

  /** fetch that keeps what went by: the forge's own requests are checked too. */
  const recording: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const res = await fetch(input, init);
    const text = await res.text();
    exchanges.push({ method: init?.method ?? 'GET', path: url.pathname + url.search, status: res.status, request: init?.body ? JSON.parse(String(init.body)) : undefined, response: text ? JSON.parse(text) : undefined });
    return new Response(res.status === 204 ? null : text, { status: res.status, headers: res.headers });
  };
  const call = async (method: string, path: string, body?: unknown) => {
    await recording(`${sim.urls.gitea}/api/v1${path}`, { method, headers: { authorization: `token ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return exchanges.at(-1) as Exchange;
  };

  before(async () => {
    sim = await startTestSim({ seed: 31 });
    token = readFileSync(sim.files.giteaToken, 'utf8').trim();
    const dir = join(scratchDir('swagger-'), 'runbooks');
    await git(['clone', '--quiet', `${sim.urls.gitea}/arcodange/runbooks.git`, dir]);
    writeFileSync(join(dir, 'CLUSTER_RECOVERY.md'), `${readFileSync(join(dir, 'CLUSTER_RECOVERY.md'), 'utf8')}\n<!-- reviewed -->\n`);
    await git(['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-am', 'runbook: a change'], { cwd: dir });
    await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], { cwd: dir, env: headerEnv(`Authorization: token ${token}`) });
  });
  after(() => sim.stop());

  it('opens the draft PR the forge asks for (WIP: title, draft), finds it again, and answers 409, 422 and 404 as Gitea does', async () => {
    const forge = giteaForge({ baseUrl: sim.urls.gitea, owner: 'arcodange', repo: 'runbooks', token, fetch: recording, retries: 0 });
    const pr = await forge.createDraftPr({ title: 'runbook: 1 change(s) from drill vault-seal', body: 'evidence', head: branch, base: 'main' });
    assert.deepEqual(pr, { url: `${sim.urls.gitea}/arcodange/runbooks/pulls/1`, number: 1, existed: false });
    assert.deepEqual(await forge.createDraftPr({ title: 'again', body: '', head: branch, base: 'main' }), { ...pr, existed: true });

    const created = exchanges.find((e) => e.method === 'POST' && e.status === 201)?.response as { title: string; draft: boolean; head: { ref: string; sha: string }; base: { ref: string }; merge_base: string };
    assert.deepEqual([created.title, created.draft, created.head.ref, created.base.ref], ['WIP: runbook: 1 change(s) from drill vault-seal', true, branch, 'main']);
    const main = (await call('GET', '/repos/arcodange/runbooks/branches/main')).response as { commit: { id: string } };
    assert.equal(created.merge_base, main.commit.id);

    const duplicate = await call('POST', '/repos/arcodange/runbooks/pulls', { title: 'twice', head: branch, base: 'main' });
    assert.equal(duplicate.status, 409);
    assert.match((duplicate.response as { message: string }).message, new RegExp(`^pull request already exists for these targets \\[id: 1, issue_id: 1, .*head_branch: ${branch}, base_branch: main\\]$`));
    assert.equal((await call('POST', '/repos/arcodange/runbooks/pulls', { title: 'same', head: 'main', base: 'main' })).status, 422);
    assert.deepEqual((await call('POST', '/repos/arcodange/runbooks/pulls', { head: branch, base: 'main' })).response, [{ fieldNames: ['Title'], classification: 'RequiredError', message: 'Required' }]);
    assert.equal((await call('POST', '/repos/arcodange/runbooks/pulls', { title: 't', head: 'no-such-branch', base: 'main' })).status, 404);
    assert.equal((await call('GET', '/repos/arcodange/runbooks/pulls/1')).status, 200);
    assert.equal((await call('GET', '/repos/arcodange/runbooks/pulls/7')).status, 404);
    assert.equal(((await call('GET', '/repos/arcodange/runbooks/pulls?state=closed')).response as unknown[]).length, 0);
    const refs = await git(['ls-remote', `${sim.urls.gitea}/arcodange/runbooks.git`]);
    assert.match(refs, new RegExp(`${created.head.sha}\\trefs/pull/1/head`), 'Gitea keeps the PR head ref');
  });

  it('repository, branches and contents, read and written', async () => {
    assert.equal((await call('GET', '/repos/arcodange/runbooks')).status, 200);
    assert.equal((await call('GET', '/repos/arcodange/runbooks/branches')).status, 200);
    assert.equal((await call('GET', `/repos/arcodange/runbooks/branches/${branch}`)).status, 200);
    assert.equal((await call('GET', '/repos/arcodange/runbooks/branches/nope')).status, 404);
    assert.equal((await call('GET', '/repos/arcodange/runbooks/contents')).status, 200);
    assert.equal((await call('GET', `/repos/arcodange/runbooks/contents/CLUSTER_RECOVERY.md?ref=${encodeURIComponent(branch)}`)).status, 200);
    assert.equal((await call('GET', '/repos/arcodange/runbooks/contents/nope.md')).status, 404);
    assert.equal((await call('POST', '/repos/arcodange/runbooks/contents/notes/a.md', { content: Buffer.from('a\n').toString('base64'), message: 'a', branch: 'main' })).status, 201);
    assert.equal((await call('POST', '/repos/arcodange/runbooks/contents/notes/a.md', { content: Buffer.from('a\n').toString('base64') })).status, 422);
    assert.equal((await call('POST', '/orgs/arcodange/repos', { name: 'canary-swagger', private: true, auto_init: true, default_branch: 'main' })).status, 201);
    assert.equal((await call('GET', '/repos/arcodange/nope')).status, 404);
    assert.equal((await call('DELETE', '/repos/arcodange/canary-swagger')).status, 204);
  });

  it('every exchange is a documented operation and status, every field one of the schema\'s', () => {
    const seen = new Set<string>();
    const problems = exchanges.flatMap((e) => {
      const op = operationFor(e.method, e.path);
      seen.add(`${op.operationId} ${e.status}`);
      const schema = responseSchema(op, e.status);
      if (schema === undefined) return [`${e.method} ${e.path}: ${op.operationId} does not document ${e.status}`];
      const request = requestSchema(op);
      return [
        ...(schema ? schemaProblems(schema, e.response).map((p) => `${op.operationId} ${e.status} answer ${p}`) : []),
        ...(request && e.request !== undefined ? schemaProblems(request, e.request).map((p) => `${op.operationId} request ${p}`) : []),
      ];
    });
    assert.deepEqual(problems, []);
    for (const op of ['repoListPullRequests 200', 'repoCreatePullRequest 201', 'repoCreatePullRequest 409', 'repoCreatePullRequest 422', 'repoCreatePullRequest 404', 'repoGetPullRequest 200', 'repoGetPullRequest 404', 'repoGetBranch 200', 'repoListBranches 200', 'repoGetContents 200', 'repoGetContentsList 200', 'repoCreateFile 201', 'repoCreateFile 422', 'repoGet 200', 'createOrgRepo 201', 'repoDelete 204']) {
      assert.ok(seen.has(op), `${op} was exercised`);
    }
  });
});
