import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { ForgeError, giteaForge, githubForge, type Forge } from '../../engine/pr/forge.ts';

const TOKEN = 'tok-9f8e7d6c5b4a39281706';

interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}
interface Scripted {
  status: number;
  body?: unknown;
}

/** A forge stand-in: records every request and answers from a script, in order. */
let seen: Seen[] = [];
let script: Scripted[] = [];
let baseUrl = '';
const server = http.createServer((req, res) => {
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => (raw += c));
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push({
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: raw ? JSON.parse(raw) : undefined,
    });
    const next = script.shift() ?? { status: 599, body: { message: 'unscripted request' } };
    res.writeHead(next.status, { 'Content-Type': 'application/json' });
    res.end(next.body === undefined ? '' : JSON.stringify(next.body));
  });
});

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
  script = [];
});

const sleeps: number[] = [];
const sleep = async (ms: number) => {
  sleeps.push(ms);
};

/** Asserts the rejection and that the token is nowhere in it. */
async function rejectsWithout(p: Promise<unknown>, message: RegExp): Promise<ForgeError> {
  let caught: unknown;
  await p.then(
    () => assert.fail('expected a rejection'),
    (err: unknown) => (caught = err),
  );
  assert.ok(caught instanceof ForgeError, String(caught));
  assert.match(caught.message, message);
  assert.ok(!caught.message.includes(TOKEN), `token leaked: ${caught.message}`);
  assert.ok(!String(caught.stack).includes(TOKEN), 'token leaked into the stack');
  return caught;
}

const pr = { title: 'runbook: 2 change(s) from drill db-drop-restore on 2024-05-01', body: 'Evidence…', head: 'runbook/db-drop-restore-2024-05-01-abcd1234', base: 'main' };

describe('giteaForge', () => {
  const PULLS = '/api/v1/repos/lab/runbooks/pulls';
  const forge = (): Forge => giteaForge({ baseUrl: `${baseUrl}/`, owner: 'lab', repo: 'runbooks', token: TOKEN, sleep, fetch });
  const giteaPr = (n: number, ref: string) => ({ number: n, html_url: `http://gitea.lab/lab/runbooks/pulls/${n}`, head: { ref, repo: { owner: { login: 'lab' } } } });
  const assertHeaders = (s: Seen, withBody: boolean) => {
    assert.equal(s.headers.authorization, `token ${TOKEN}`);
    assert.equal(s.headers.accept, 'application/json');
    if (withBody) assert.equal(s.headers['content-type'], 'application/json');
  };

  beforeEach(() => (sleeps.length = 0));

  test('creates a WIP pull request after finding none: 201', async () => {
    script = [{ status: 200, body: [giteaPr(3, 'someone-else')] }, { status: 201, body: giteaPr(7, pr.head) }];
    const r = await forge().createDraftPr(pr);
    assert.deepEqual(r, { url: 'http://gitea.lab/lab/runbooks/pulls/7', number: 7, existed: false });
    const [list, create] = seen;
    assert.equal(list?.method, 'GET');
    assert.equal(list.path, PULLS);
    assert.equal(list.query.state, 'open');
    assertHeaders(list, false);
    assert.equal(create?.method, 'POST');
    assert.equal(create.path, PULLS);
    assertHeaders(create, true);
    assert.deepEqual(create.body, { title: `WIP: ${pr.title}`, body: pr.body, head: pr.head, base: 'main' });
    assert.deepEqual(sleeps, []);
  });

  test('an already WIP title is not prefixed twice', async () => {
    script = [{ status: 200, body: [] }, { status: 201, body: giteaPr(8, pr.head) }];
    await forge().createDraftPr({ ...pr, title: 'WIP: already' });
    assert.equal((seen[1]?.body as { title: string }).title, 'WIP: already');
  });

  test('an open pull request for the branch is returned, nothing is created', async () => {
    script = [{ status: 200, body: [giteaPr(5, pr.head)] }];
    assert.deepEqual(await forge().createDraftPr(pr), { url: 'http://gitea.lab/lab/runbooks/pulls/5', number: 5, existed: true });
    assert.equal(seen.length, 1);
  });

  test('findPr pages through the open pull requests', async () => {
    const page1 = Array.from({ length: 50 }, (_, i) => giteaPr(100 + i, `other-${i}`));
    script = [{ status: 200, body: page1 }, { status: 200, body: [giteaPr(9, pr.head)] }];
    assert.deepEqual(await forge().findPr(pr.head), { url: 'http://gitea.lab/lab/runbooks/pulls/9', number: 9 });
    assert.deepEqual(seen.map((s) => s.query.page), ['1', '2']);
    script = [{ status: 200, body: [giteaPr(3, 'someone-else')] }];
    assert.equal(await forge().findPr(pr.head), undefined);
  });

  test('409 "pull request already exists" resolves to the existing one', async () => {
    script = [
      { status: 200, body: [] },
      { status: 409, body: { message: 'pull request already exists for these targets [id: 4, issue_id: 9, head_repo_id: 1, base_repo_id: 1, head_branch: x, base_branch: main]' } },
      { status: 200, body: [giteaPr(4, pr.head)] },
    ];
    assert.deepEqual(await forge().createDraftPr(pr), { url: 'http://gitea.lab/lab/runbooks/pulls/4', number: 4, existed: true });
    assert.deepEqual(
      seen.map((s) => s.method),
      ['GET', 'POST', 'GET'],
    );
  });

  test('401: the token was refused, and it is not printed', async () => {
    script = [{ status: 401, body: { message: `user does not exist [uid: 0, name: ${TOKEN}]` } }];
    const err = await rejectsWithout(forge().createDraftPr(pr), /^Gitea: the token was refused \(401\) for GET \/api\/v1\/repos\/lab\/runbooks\/pulls/);
    assert.equal(err.status, 401);
    assert.equal(seen.length, 1);
  });

  test('403 on create: the token was refused', async () => {
    script = [{ status: 200, body: [] }, { status: 403, body: { message: 'token does not have at least one of required scope(s): [write:repository]' } }];
    await rejectsWithout(forge().createDraftPr(pr), /the token was refused \(403\) for POST .*write:repository/);
  });

  test('500 then 201: retried after a backoff', async () => {
    script = [{ status: 200, body: [] }, { status: 500, body: { message: 'database is locked' } }, { status: 201, body: giteaPr(11, pr.head) }];
    assert.deepEqual(await forge().createDraftPr(pr), { url: 'http://gitea.lab/lab/runbooks/pulls/11', number: 11, existed: false });
    assert.deepEqual(sleeps, [200]);
    assert.deepEqual(seen[2]?.body, seen[1]?.body);
  });

  test('500 three times: gives up naming the status', async () => {
    script = [{ status: 200, body: [] }, { status: 500 }, { status: 502 }, { status: 500, body: { message: 'internal error' } }];
    const err = await rejectsWithout(forge().createDraftPr(pr), /^Gitea: POST \/api\/v1\/repos\/lab\/runbooks\/pulls answered 500: internal error \(gave up after 3 tries\)$/);
    assert.equal(err.status, 500);
    assert.deepEqual(sleeps, [200, 400]);
    assert.equal(seen.length, 4);
  });

  test('another status: the forge’s message', async () => {
    script = [{ status: 200, body: [] }, { status: 404, body: { message: 'The target couldn\'t be found.' } }];
    await rejectsWithout(forge().createDraftPr(pr), /^Gitea: POST \/api\/v1\/repos\/lab\/runbooks\/pulls answered 404: The target couldn't be found\.$/);
  });
});

describe('githubForge', () => {
  const PULLS = '/repos/lab/runbooks/pulls';
  const forge = (o: { retries?: number } = {}): Forge => githubForge({ apiUrl: baseUrl, owner: 'lab', repo: 'runbooks', token: TOKEN, sleep, fetch, ...o });
  const ghPr = (n: number) => ({ number: n, html_url: `https://github.com/lab/runbooks/pull/${n}`, draft: true });
  const assertHeaders = (s: Seen, withBody: boolean) => {
    assert.equal(s.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(s.headers.accept, 'application/vnd.github+json');
    assert.equal(s.headers['x-github-api-version'], '2022-11-28');
    if (withBody) assert.equal(s.headers['content-type'], 'application/json');
  };

  beforeEach(() => (sleeps.length = 0));

  test('creates a draft pull request after finding none: 201', async () => {
    script = [{ status: 200, body: [] }, { status: 201, body: ghPr(42) }];
    assert.deepEqual(await forge().createDraftPr(pr), { url: 'https://github.com/lab/runbooks/pull/42', number: 42, existed: false });
    const [list, create] = seen;
    assert.equal(list?.method, 'GET');
    assert.equal(list.path, PULLS);
    assert.deepEqual(list.query, { state: 'open', head: `lab:${pr.head}` });
    assertHeaders(list, false);
    assert.equal(create?.method, 'POST');
    assert.equal(create.path, PULLS);
    assertHeaders(create, true);
    assert.deepEqual(create.body, { title: pr.title, body: pr.body, head: pr.head, base: 'main', draft: true });
  });

  test('an open pull request for the branch is returned, nothing is created', async () => {
    script = [{ status: 200, body: [ghPr(40)] }];
    assert.deepEqual(await forge().createDraftPr(pr), { url: 'https://github.com/lab/runbooks/pull/40', number: 40, existed: true });
    assert.equal(seen.length, 1);
  });

  test('findPr passes an owner-qualified head through', async () => {
    script = [{ status: 200, body: [] }];
    assert.equal(await forge().findPr('fork-owner:feature'), undefined);
    assert.equal(seen[0]?.query.head, 'fork-owner:feature');
  });

  test('422 "A pull request already exists" resolves to the existing one', async () => {
    script = [
      { status: 200, body: [] },
      { status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for lab:${pr.head}.` }] } },
      { status: 200, body: [ghPr(41)] },
    ];
    assert.deepEqual(await forge().createDraftPr(pr), { url: 'https://github.com/lab/runbooks/pull/41', number: 41, existed: true });
  });

  test('any other 422 is an error with GitHub’s words', async () => {
    script = [{ status: 200, body: [] }, { status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message: 'No commits between main and runbook/x' }] } }];
    await rejectsWithout(forge().createDraftPr(pr), /^GitHub: POST \/repos\/lab\/runbooks\/pulls answered 422: Validation Failed: No commits between main and runbook\/x$/);
  });

  test('401: the token was refused, and it is not printed', async () => {
    script = [{ status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } }];
    const err = await rejectsWithout(forge().findPr(pr.head), /^GitHub: the token was refused \(401\) for GET \/repos\/lab\/runbooks\/pulls: Bad credentials/);
    assert.equal(err.status, 401);
  });

  test('500 then 201: retried after a backoff', async () => {
    script = [{ status: 200, body: [] }, { status: 500 }, { status: 201, body: ghPr(43) }];
    assert.deepEqual(await forge().createDraftPr(pr), { url: 'https://github.com/lab/runbooks/pull/43', number: 43, existed: false });
    assert.deepEqual(sleeps, [200]);
  });

  test('500 three times: gives up naming the status', async () => {
    script = [{ status: 200, body: [] }, { status: 500 }, { status: 500 }, { status: 503, body: { message: 'Service Unavailable' } }];
    const err = await rejectsWithout(forge().createDraftPr(pr), /^GitHub: POST \/repos\/lab\/runbooks\/pulls answered 503: Service Unavailable \(gave up after 3 tries\)$/);
    assert.equal(err.status, 503);
    assert.deepEqual(sleeps, [200, 400]);
  });

  test('retries is configurable', async () => {
    script = [{ status: 500 }];
    await rejectsWithout(forge({ retries: 0 }).findPr(pr.head), /answered 500 \(gave up after 1 tries\)/);
    assert.deepEqual(sleeps, []);
  });
});

describe('network errors', () => {
  test('a refused connection is retried, then named', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    sleeps.length = 0;
    const forge = giteaForge({ baseUrl: `http://127.0.0.1:${port}`, owner: 'lab', repo: 'runbooks', token: TOKEN, sleep, fetch });
    await rejectsWithout(forge.findPr('x'), /^Gitea: GET \/api\/v1\/repos\/lab\/runbooks\/pulls failed: fetch failed \(.*ECONNREFUSED.*\) \(gave up after 3 tries\)$/);
    assert.deepEqual(sleeps, [200, 400]);
  });

  test('an injected fetch that throws the token back is masked', async () => {
    const fetchThatLeaks: typeof fetch = async () => {
      throw new TypeError(`fetch failed for Bearer ${TOKEN}`);
    };
    await rejectsWithout(githubForge({ owner: 'lab', repo: 'runbooks', token: TOKEN, fetch: fetchThatLeaks, sleep, retries: 1 }).findPr('x'), /\[redacted\]/);
  });

  test('the guard re-check runs before every request', async () => {
    let checks = 0;
    const refused = githubForge({ owner: 'lab', repo: 'runbooks', token: TOKEN, sleep, fetch, recheck: () => {
      checks++;
      throw new Error('refused: the target changed');
    } });
    await assert.rejects(refused.findPr('x'), /refused: the target changed/);
    assert.equal(checks, 1);
  });
});
