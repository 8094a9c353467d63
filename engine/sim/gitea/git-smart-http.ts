import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gitEnv } from '../git/git-exec.ts';
import { sendRaw } from '../net/http-util.ts';
import type { Gitea } from '../world/gitea.ts';
import { repoAccess, type Caller } from './gitea-auth.ts';

export interface GitRoute {
  owner: string;
  name: string;
  endpoint: 'info/refs' | 'git-upload-pack' | 'git-receive-pack';
}

/** Gitea's git routes: `/{owner}/{repo}[.git]/info/refs`, `…/git-upload-pack`, `…/git-receive-pack`. */
export function gitRoute(pathname: string): GitRoute | undefined {
  const m = /^\/([^/]+)\/([^/]+?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack)$/.exec(pathname);
  if (!m) return undefined;
  try {
    return { owner: decodeURIComponent(m[1] as string), name: decodeURIComponent(m[2] as string), endpoint: m[3] as GitRoute['endpoint'] };
  } catch {
    return undefined;
  }
}

export interface GitHttpContext {
  gitea: Gitea;
  caller: Caller;
  /** After a push: the controllers see the new commits before git hears back. */
  afterWrite(): void;
}

const text = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  sendRaw(res, status, body, 'text/plain; charset=utf-8');
};

/**
 * git's smart HTTP protocol with Gitea's rules (routers/web/repo/githttp.go `httpBase`), served
 * by the real `git http-backend` as a CGI: anyone may fetch a public repository; a private one,
 * and every push, needs credentials (401 with a Basic challenge, so git asks for them); a token
 * needs the repository scope of the operation (403), a user a collaborator's permission (404).
 */
export async function serveGit(ctx: GitHttpContext, req: IncomingMessage, res: ServerResponse, url: URL, route: GitRoute): Promise<void> {
  const service = route.endpoint === 'info/refs' ? url.searchParams.get('service') : route.endpoint;
  const rpc = route.endpoint !== 'info/refs';
  if (req.method !== (rpc ? 'POST' : 'GET')) return text(res, 405, 'Method Not Allowed\n');
  // Only the smart protocol: git never falls back to the dumb one when the smart one answers.
  if (service !== 'git-upload-pack' && service !== 'git-receive-pack') return text(res, 400, 'Bad Request\n');
  const push = service === 'git-receive-pack';
  if (!ctx.caller.signed && ctx.caller.refused) return text(res, 401, 'Unauthorized\n');
  const repo = ctx.gitea.find(route.owner, route.name);
  const publicPull = !!repo && !repo.private && !push;
  if (!publicPull && !ctx.caller.signed) return text(res, 401, 'Unauthorized\n', { 'WWW-Authenticate': 'Basic realm="Gitea"' });
  if (!repo) return push && ctx.gitea.orgs.has(route.owner) ? text(res, 403, 'Push to create is not enabled for organizations.\n') : text(res, 404, 'Repository not found\n');
  const access = repoAccess(ctx.caller, repo, ctx.gitea.users, push ? 'write' : 'read');
  if (access === 'scope') return text(res, 403, 'Forbidden\n');
  if (access === 'denied') return text(res, 404, 'Repository not found\n');
  if (rpc && req.headers['content-type'] !== `application/x-${service}-request`) return text(res, 400, 'Bad Request\n');

  const protocol = req.headers['git-protocol'];
  const child = spawn('git', ['http-backend'], {
    env: gitEnv({
      GIT_PROJECT_ROOT: ctx.gitea.gitRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: `/${repo.owner}/${repo.name}.git/${route.endpoint}`,
      REQUEST_METHOD: req.method ?? 'GET',
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      ...(ctx.caller.signed ? { REMOTE_USER: ctx.caller.login } : {}),
      ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
      // Gitea passes the protocol version through only when it is plain `key=value[:key=value]`.
      ...(typeof protocol === 'string' && /^[0-9a-zA-Z]+=[0-9a-zA-Z]+(:[0-9a-zA-Z]+=[0-9a-zA-Z]+)*$/.test(protocol) ? { GIT_PROTOCOL: protocol } : {}),
    }),
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  res.on('close', () => child.exitCode === null && child.kill());
  child.stdin.on('error', () => {});
  req.pipe(child.stdin);

  const out: Buffer[] = [];
  let head: { status: number; headers: [string, string][] } | undefined;
  const flush = () => {
    const all = Buffer.concat(out.splice(0));
    if (!head) {
      const end = all.indexOf('\r\n\r\n');
      if (end === -1) return void out.push(all);
      head = parseCgiHead(all.subarray(0, end).toString('latin1'));
      // A push is answered once the sim has read what landed (below); anything else streams.
      if (!push) res.writeHead(head.status, head.headers);
      out.push(all.subarray(end + 4));
      return flush();
    }
    if (push) out.push(all);
    else res.write(all);
  };
  child.stdout.on('data', (chunk: Buffer) => {
    out.push(chunk);
    flush();
  });
  await new Promise<void>((resolve) => child.on('close', () => resolve()));
  if (!head) return void (res.headersSent ? res.end() : text(res, 500, 'git http-backend gave no answer\n'));
  if (push) {
    await ctx.gitea.refresh(repo);
    ctx.afterWrite();
    res.writeHead(head.status, head.headers);
    res.write(Buffer.concat(out));
  }
  res.end();
}

function parseCgiHead(block: string): { status: number; headers: [string, string][] } {
  let status = 200;
  const headers: [string, string][] = [];
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
    else headers.push([name, value]);
  }
  return { status, headers };
}
