import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequest, sendJson, sendRaw } from '../net/http-util.ts';
import type { Commit } from '../git/git-objects.ts';
import type { Gitea, Repo } from '../world/gitea.ts';
import { callerOf, repoAccess } from './gitea-auth.ts';
import { createFile, readContents } from './gitea-contents.ts';
import { branchJson, repoJson } from './gitea-json.ts';
import { routePulls } from './gitea-pulls.ts';
import { type ApiContext, type Body, failure, METHOD_NOT_ALLOWED, notFound, readBody, Reply, requireToken } from './gitea-reply.ts';
import { gitRoute, serveGit } from './git-smart-http.ts';
import { repoNameProblem } from './repo-name.ts';
import { routeAdminUsers, routeCollaborator, routeUser, routeUserTokens } from './gitea-users-routes.ts';

export interface GiteaServerContext {
  gitea: Gitea;
  baseUrl(): string;
  now(): number;
  /** Lets the controllers react to a push before the response is sent. */
  afterWrite(): void;
}

/**
 * Gitea's health check, git over HTTP, and the slice of API v1 the gates, runbooks, the canary
 * provisioning chain and the draft-PR flow use: repo create/read/delete in an org, branches, the
 * contents API (read, create), pull requests (list, create, get), and the admin's users, their
 * tokens and repository collaborators (how Argo CD gets a read-only identity). Private
 * repositories are invisible to whoever may not read them (404, as Gitea answers); writes need
 * the write token.
 */
export function createGiteaHandler(server: GiteaServerContext) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://gitea');
    const caller = callerOf(req, url, server.gitea.users);
    const ctx: ApiContext = { gitea: server.gitea, baseUrl: server.baseUrl, now: server.now, caller, afterWrite: server.afterWrite };
    try {
      if (url.pathname === '/api/healthz') return healthz(ctx, res);
      if (url.pathname === '/api/v1/version') return sendJson(res, 200, { version: ctx.gitea.version });
      const git = gitRoute(url.pathname);
      if (git && !ctx.gitea.databaseProblem()) return await serveGit(ctx, req, res, url, git);
      await route(ctx, req, res, url);
    } catch (err) {
      if (err instanceof Reply) {
        if (err.body === undefined) return sendRaw(res, err.status, '', 'text/plain');
        return sendJson(res, err.status, err.body);
      }
      if (err instanceof BadRequest) return sendJson(res, 422, { message: err.message, url: `${ctx.baseUrl()}/api/swagger` });
      throw err;
    }
  };
}

async function route(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const { gitea } = ctx;
  const method = req.method ?? 'GET';
  if (gitea.databaseProblem()) throw failure(ctx, 500, 'database is unavailable');
  const segments = url.pathname.split('/').slice(1).map(decodeSegment);
  if (segments[0] !== 'api' || segments[1] !== 'v1') throw notFound(ctx);
  // The API's auth middleware: credentials that are not the token are refused before any route.
  if (!ctx.caller.signed && ctx.caller.refused) throw failure(ctx, 401, ctx.caller.refused);
  const [, , scope, owner = '', name = '', sub, ...rest] = segments;

  if (scope === 'orgs' && name === 'repos' && sub === undefined) {
    if (!gitea.orgs.has(owner)) throw notFound(ctx, { errors: [`org does not exist [id: 0, name: ${owner}]`] });
    if (method !== 'POST') throw METHOD_NOT_ALLOWED;
    requireToken(ctx);
    return sendJson(res, 201, await createRepo(ctx, owner, await readBody(req)));
  }
  if (scope === 'admin' && owner === 'users' && sub === undefined) return routeAdminUsers(ctx, req, res, name);
  if (scope === 'users' && owner && name === '' && sub === undefined) return routeUser(ctx, req, res, owner);
  if (scope === 'users' && owner && name === 'tokens' && sub === undefined) return routeUserTokens(ctx, req, res, owner);
  if (scope !== 'repos' || !owner || !name) throw notFound(ctx);
  const repo = gitea.find(owner, name);
  const access = repo && repoAccess(ctx.caller, repo, gitea.users, 'read');
  if (access === 'scope') throw failure(ctx, 403, 'token does not have at least one of required scope(s): [read:repository]');
  if (!repo || access !== 'ok') throw notFound(ctx);

  if (sub === undefined) {
    if (method === 'GET') return sendJson(res, 200, repoJson(gitea, repo, ctx.baseUrl()));
    if (method !== 'DELETE') throw METHOD_NOT_ALLOWED;
    requireToken(ctx);
    gitea.deleteRepo(repo);
    ctx.afterWrite();
    return sendRaw(res, 204, '', 'text/plain');
  }
  if (sub === 'branches') return branches(ctx, res, repo, method, rest.join('/'));
  if (sub === 'contents') {
    const path = rest.filter(Boolean).join('/');
    if (method === 'GET') return sendJson(res, 200, readContents(ctx, repo, path, url.searchParams.get('ref')));
    if (method !== 'POST') throw METHOD_NOT_ALLOWED;
    requireToken(ctx);
    return sendJson(res, 201, await createFile(ctx, repo, path, await readBody(req)));
  }
  if (sub === 'pulls') return routePulls(ctx, req, res, repo, url, rest);
  if (sub === 'collaborators' && rest.length === 1 && rest[0]) return routeCollaborator(ctx, req, res, repo, rest[0]);
  throw notFound(ctx);
}

/** repoListBranches (newest commit first, then by name, as Gitea orders them) and repoGetBranch (names may hold `/`). */
function branches(ctx: ApiContext, res: ServerResponse, repo: Repo, method: string, name: string): void {
  if (method !== 'GET') throw METHOD_NOT_ALLOWED;
  const json = (branch: string) => branchJson(repo, branch, ctx.gitea.tip(repo, branch) as Commit, ctx.baseUrl(), ctx.caller.signed && ctx.caller.admin);
  if (name) {
    if (!ctx.gitea.tip(repo, name)) throw failure(ctx, 404, 'branch does not exist');
    return sendJson(res, 200, json(name));
  }
  const at = (b: string) => ctx.gitea.tip(repo, b)?.committer.at ?? 0;
  const names = [...repo.branches.keys()].sort((a, b) => at(b) - at(a) || (a < b ? -1 : a > b ? 1 : 0));
  res.setHeader('X-Total-Count', String(names.length));
  sendJson(res, 200, names.map(json));
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** routers/web/healthcheck/check.go: a failing check answers 424 Failed Dependency. */
/** routers/web/healthcheck/check.go: RFC 3339 times in whole seconds, `output` only when a check is not `pass`. */
function healthz(ctx: ApiContext, res: ServerResponse): void {
  const db = ctx.gitea.databaseProblem();
  const time = new Date(ctx.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const check = (status: string, output?: string) => [{ status, time, ...(output ? { output } : {}) }];
  sendJson(res, db ? 424 : 200, {
    status: db ? 'fail' : 'pass',
    description: 'Gitea: Git with a cup of tea',
    checks: { 'cache:ping': check('pass'), 'database:ping': check(db ? 'fail' : 'pass', db ?? undefined) },
  });
}

async function createRepo(ctx: ApiContext, owner: string, body: Body): Promise<object> {
  const { gitea } = ctx;
  const problem = repoNameProblem(body.name);
  if (problem && 'binding' in problem) throw new Reply(422, [{ fieldNames: ['Name'], ...problem.binding }]);
  if (problem) throw failure(ctx, 422, problem.message);
  const name = body.name as string;
  if (gitea.find(owner, name)) throw failure(ctx, 409, 'The repository with the same name already exists.');
  const repo = await gitea.createRepo({
    owner,
    name,
    description: typeof body.description === 'string' ? body.description : '',
    private: body.private === true,
    defaultBranch: typeof body.default_branch === 'string' && body.default_branch ? body.default_branch : 'main',
  });
  if (body.auto_init === true) await gitea.commit(repo, { changes: [{ path: 'README.md', data: Buffer.from(`# ${name}\n\n${repo.description}\n`) }], message: 'Initial commit' });
  ctx.afterWrite();
  return repoJson(gitea, repo, ctx.baseUrl());
}
