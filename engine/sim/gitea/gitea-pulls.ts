import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Commit } from '../git/git-objects.ts';
import { sendJson } from '../net/http-util.ts';
import { API_USER, type Repo } from '../world/gitea.ts';
import { pullJson } from './gitea-json.ts';
import { type ApiContext, failure, METHOD_NOT_ALLOWED, notFound, readBody, Reply, requireToken } from './gitea-reply.ts';

/** Gitea's API paging: `limit` 30 by default, at most 50 (MAX_RESPONSE_ITEMS); pages from 1. */
function page(url: URL): { skip: number; take: number } {
  const limit = Number.parseInt(url.searchParams.get('limit') ?? '', 10);
  const take = !(limit > 0) ? 30 : Math.min(limit, 50);
  const n = Math.max(1, Number.parseInt(url.searchParams.get('page') ?? '', 10) || 1);
  return { skip: (n - 1) * take, take };
}

/** `/repos/{owner}/{repo}/pulls[/{index}]`: list (repoListPullRequests), create (repoCreatePullRequest), get (repoGetPullRequest). */
export async function routePulls(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, repo: Repo, url: URL, rest: string[]): Promise<void> {
  const method = req.method ?? 'GET';
  if (rest.length === 1) {
    if (method !== 'GET') throw METHOD_NOT_ALLOWED;
    const pull = repo.pulls.find((p) => String(p.number) === rest[0]);
    if (!pull) throw notFound(ctx);
    return sendJson(res, 200, pullJson(ctx.gitea, repo, pull, ctx.baseUrl()));
  }
  if (rest.length > 1) throw notFound(ctx);
  if (method === 'GET') {
    // Only open pull requests exist in the lab: `closed` lists none.
    const state = url.searchParams.get('state') ?? 'open';
    const listed = state === 'closed' ? [] : [...repo.pulls].reverse();
    const { skip, take } = page(url);
    res.setHeader('X-Total-Count', String(listed.length));
    return sendJson(res, 200, listed.slice(skip, skip + take).map((p) => pullJson(ctx.gitea, repo, p, ctx.baseUrl())));
  }
  if (method !== 'POST') throw METHOD_NOT_ALLOWED;
  requireToken(ctx);
  const body = await readBody(req);
  const missing = (['head', 'base', 'title'] as const).filter((f) => typeof body[f] !== 'string' || body[f] === '');
  if (missing.length) throw new Reply(422, missing.map((f) => ({ fieldNames: [f[0]?.toUpperCase() + f.slice(1)], classification: 'RequiredError', message: 'Required' })));
  const { head, base, title } = body as { head: string; base: string; title: string };
  if (head === base) throw failure(ctx, 422, 'Invalid PullRequest: There are no changes between the head and the base');
  // `owner:branch` names the head repository; without forks it can only be this repository's owner.
  const colon = head.indexOf(':');
  const headOwner = head.slice(0, colon).toLowerCase();
  if (colon !== -1 && headOwner !== repo.owner.toLowerCase()) {
    const known = headOwner === API_USER || [...ctx.gitea.orgs].some((o) => o.toLowerCase() === headOwner);
    throw notFound(ctx, { message: known ? 'GetBaseRepo' : 'GetUserByName' });
  }
  const headBranch = colon === -1 ? head : head.slice(colon + 1);
  const headTip = ctx.gitea.tip(repo, headBranch);
  const baseTip = ctx.gitea.tip(repo, base);
  if (!headTip || !baseTip) throw notFound(ctx);
  const existing = repo.pulls.find((p) => p.head === headBranch && p.base === base);
  if (existing) throw failure(ctx, 409, `pull request already exists for these targets [id: ${existing.id}, issue_id: ${existing.number}, head_repo_id: ${repo.id}, base_repo_id: ${repo.id}, head_branch: ${headBranch}, base_branch: ${base}]`);
  const pull = await ctx.gitea.openPull(repo, { title, body: typeof body.body === 'string' ? body.body : '', head: headBranch, base, mergeBase: mergeBase(repo, baseTip, headTip) });
  ctx.afterWrite();
  sendJson(res, 201, pullJson(ctx.gitea, repo, pull, ctx.baseUrl()));
}

/** The newest common ancestor (what `git merge-base` prints), from the commits already read. */
function mergeBase(repo: Repo, base: Commit, head: Commit): string {
  const ancestors = new Set<string>();
  for (const queue = [base.sha]; queue.length; ) {
    const sha = queue.shift() as string;
    if (ancestors.has(sha)) continue;
    ancestors.add(sha);
    queue.push(...(repo.commits.get(sha)?.parents ?? []));
  }
  for (const queue = [head.sha], seen = new Set<string>(); queue.length; ) {
    const sha = queue.shift() as string;
    if (ancestors.has(sha)) return sha;
    if (seen.has(sha)) continue;
    seen.add(sha);
    queue.push(...(repo.commits.get(sha)?.parents ?? []));
  }
  return '';
}
