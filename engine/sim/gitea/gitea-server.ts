import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequest, readJson, sendJson, sendRaw } from '../net/http-util.ts';
import type { Gitea, Repo } from '../world/gitea.ts';
import { branchJson, contentsJson, fileResponseJson, repoJson } from './gitea-json.ts';
import { repoNameProblem } from './repo-name.ts';

export interface GiteaServerContext {
  gitea: Gitea;
  baseUrl(): string;
  now(): number;
  /** The sandbox's API token (write access to every org's repos). Never logged. */
  token: string;
  /** Lets the controllers react to a push before the response is sent. */
  afterWrite(): void;
}

type Body = Record<string, unknown>;

class Reply extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`gitea ${status}`);
  }
}

/**
 * Gitea's health check and the slice of API v1 the gates, runbooks and the canary provisioning
 * chain use: repo create/read/delete in an org, branches, and the contents API (read, create).
 * Reads are anonymous, as the sandbox's repos have always been to lab-tui; writes need the token.
 */
export function createGiteaHandler(ctx: GiteaServerContext) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://gitea');
    try {
      await route(ctx, req, res, url);
    } catch (err) {
      if (err instanceof Reply) {
        if (err.body === undefined) return sendRaw(res, err.status, '', 'text/plain');
        return sendJson(res, err.status, err.body);
      }
      if (err instanceof BadRequest) return sendJson(res, 422, { message: err.message, url: swagger(ctx) });
      throw err;
    }
  };
}

const swagger = (ctx: GiteaServerContext) => `${ctx.baseUrl()}/api/swagger`;
const notFound = (ctx: GiteaServerContext, ...errors: string[]) => new Reply(404, { errors: errors.length ? errors : null, message: "The target couldn't be found.", url: swagger(ctx) });
const failure = (ctx: GiteaServerContext, status: number, message: string) => new Reply(status, { message, url: swagger(ctx) });
const METHOD_NOT_ALLOWED = new Reply(405, undefined);

async function route(ctx: GiteaServerContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const { gitea } = ctx;
  const method = req.method ?? 'GET';
  if (url.pathname === '/api/healthz') return healthz(ctx, res);
  if (url.pathname === '/api/v1/version') return sendJson(res, 200, { version: gitea.version });
  const segments = url.pathname.split('/').slice(1).map(decodeSegment);
  if (segments[0] !== 'api' || segments[1] !== 'v1') throw notFound(ctx);
  const db = gitea.databaseProblem();
  if (db) throw failure(ctx, 500, 'database is unavailable');
  const [, , scope, owner = '', name = '', sub, ...rest] = segments;

  if (scope === 'orgs' && name === 'repos' && sub === undefined) {
    if (!gitea.orgs.has(owner)) throw notFound(ctx, `org does not exist [id: 0, name: ${owner}]`);
    if (method !== 'POST') throw METHOD_NOT_ALLOWED;
    requireToken(ctx, req, url);
    return sendJson(res, 201, createRepo(ctx, owner, (await readJson(req)) as Body));
  }
  if (scope !== 'repos' || !owner || !name) throw notFound(ctx);
  const repo = gitea.find(owner, name);
  if (!repo) throw notFound(ctx);

  if (sub === undefined) {
    if (method === 'GET') return sendJson(res, 200, repoJson(gitea, repo, ctx.baseUrl()));
    if (method !== 'DELETE') throw METHOD_NOT_ALLOWED;
    requireToken(ctx, req, url);
    gitea.deleteRepo(repo);
    ctx.afterWrite();
    return sendRaw(res, 204, '', 'text/plain');
  }
  if (sub === 'branches' && rest.length === 1) {
    if (method !== 'GET') throw METHOD_NOT_ALLOWED;
    const head = gitea.branchHead(repo);
    if (rest[0] !== repo.defaultBranch || !head) throw failure(ctx, 404, 'branch does not exist');
    return sendJson(res, 200, branchJson(repo, head, ctx.baseUrl()));
  }
  if (sub === 'contents') {
    const path = rest.filter(Boolean).join('/');
    if (method === 'GET') return sendJson(res, 200, readContents(ctx, repo, path, url.searchParams.get('ref')));
    if (method !== 'POST') throw METHOD_NOT_ALLOWED;
    requireToken(ctx, req, url);
    return sendJson(res, 201, createFile(ctx, repo, path, (await readJson(req)) as Body));
  }
  throw notFound(ctx);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function healthz(ctx: GiteaServerContext, res: ServerResponse): void {
  const db = ctx.gitea.databaseProblem();
  const time = new Date(ctx.now()).toISOString();
  const check = (status: string, output?: string) => [{ componentId: '', status, time, ...(output ? { output } : {}) }];
  sendJson(res, db ? 500 : 200, {
    status: db ? 'fail' : 'pass',
    description: 'Gitea: Git with a cup of tea',
    checks: { 'cache:ping': check('pass'), 'database:ping': check(db ? 'fail' : 'pass', db ?? undefined) },
  });
}

/** Gitea's reqToken(): `Authorization: token|bearer <T>` or `?token=` / `?access_token=`. */
function requireToken(ctx: GiteaServerContext, req: IncomingMessage, url: URL): void {
  const header = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const sent = header ?? url.searchParams.get('token') ?? url.searchParams.get('access_token');
  if (sent !== ctx.token) throw failure(ctx, 401, 'token is required');
}

function createRepo(ctx: GiteaServerContext, owner: string, body: Body): object {
  const { gitea } = ctx;
  const problem = repoNameProblem(body.name);
  if (problem && 'binding' in problem) throw new Reply(422, [{ fieldNames: ['Name'], ...problem.binding }]);
  if (problem) throw failure(ctx, 422, problem.message);
  const name = body.name as string;
  if (gitea.find(owner, name)) throw failure(ctx, 409, 'The repository with the same name already exists.');
  const repo = gitea.createRepo({
    owner,
    name,
    description: typeof body.description === 'string' ? body.description : '',
    private: body.private === true,
    defaultBranch: typeof body.default_branch === 'string' && body.default_branch ? body.default_branch : 'main',
  });
  if (body.auto_init === true) gitea.commitFile(repo, 'README.md', `# ${name}\n\n${repo.description}\n`, 'Initial commit');
  ctx.afterWrite();
  return repoJson(gitea, repo, ctx.baseUrl());
}

function readContents(ctx: GiteaServerContext, repo: Repo, path: string, ref: string | null): object {
  const commit = ctx.gitea.resolve(repo, ref);
  const missing = () => notFound(ctx, `object does not exist [id: ${ref ?? ''}, rel_path: ${path}]`);
  if (!commit) throw missing();
  const name = ref || repo.defaultBranch;
  if (commit.files.has(path)) return contentsJson(repo, commit, name, path, ctx.baseUrl(), true);
  const prefix = path ? `${path}/` : '';
  const children = new Set<string>();
  for (const file of commit.files.keys()) {
    if (file.startsWith(prefix)) children.add(prefix + (file.slice(prefix.length).split('/')[0] as string));
  }
  if (path && children.size === 0) throw missing();
  return [...children].sort().map((child) => contentsJson(repo, commit, name, child, ctx.baseUrl(), false));
}

function createFile(ctx: GiteaServerContext, repo: Repo, path: string, body: Body): object {
  const { gitea } = ctx;
  if (typeof body.content !== 'string') throw new Reply(422, [{ fieldNames: ['ContentBase64'], classification: 'RequiredError', message: 'Required' }]);
  if (path === '' || path.split('/').some((s) => s === '.' || s === '..')) throw failure(ctx, 422, `path contains a malformed path component [path: ${path}]`);
  if (body.new_branch !== undefined && body.new_branch !== body.branch) throw failure(ctx, 422, 'lab-sim commits to the default branch only (new_branch is not modelled)');
  const branch = typeof body.branch === 'string' && body.branch ? body.branch : repo.defaultBranch;
  if (branch !== repo.defaultBranch) throw failure(ctx, 404, `branch does not exist [name: ${branch}]`);
  const base64 = body.content.replace(/[\r\n]/g, '');
  const bad = /[^A-Za-z0-9+/=]|=[^=]/.exec(base64);
  if (bad || base64.length % 4 !== 0) throw failure(ctx, 422, `illegal base64 data at input byte ${bad?.index ?? base64.length}`);
  const files = gitea.branchHead(repo)?.files ?? new Map<string, string>();
  if (files.has(path)) throw failure(ctx, 422, `repository file already exists [path: ${path}]`);
  const parents = path.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'));
  const fileAsDir = parents.find((p) => files.has(p));
  if (fileAsDir) throw failure(ctx, 422, `a file exists where you’re trying to create a subdirectory [path: ${fileAsDir}]`);
  if ([...files.keys()].some((f) => f.startsWith(`${path}/`))) throw failure(ctx, 422, `a directory exists where you’re trying to create a file [path: ${path}]`);
  const message = typeof body.message === 'string' && body.message ? body.message : `Add ${path}`;
  const commit = gitea.commitFile(repo, path, Buffer.from(base64, 'base64').toString('utf8'), message);
  ctx.afterWrite();
  return fileResponseJson(repo, commit, path, ctx.baseUrl(), gitea.apiUserEmail);
}
