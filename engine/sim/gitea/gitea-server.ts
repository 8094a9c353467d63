import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../net/http-util.ts';
import type { Gitea, Repo } from '../world/gitea.ts';

/** Gitea's health check and the few API v1 reads the gates and runbooks use. */
export function createGiteaHandler(gitea: Gitea, baseUrl: () => string, now: () => number) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://gitea');
    const stamp = new Date(now()).toISOString();
    if (url.pathname === '/api/healthz') {
      const db = gitea.databaseProblem();
      const check = (status: string, output?: string) => [{ componentId: '', status, time: stamp, ...(output ? { output } : {}) }];
      return sendJson(res, db ? 500 : 200, {
        status: db ? 'fail' : 'pass',
        description: 'Gitea: Git with a cup of tea',
        checks: { 'cache:ping': check('pass'), 'database:ping': check(db ? 'fail' : 'pass', db ?? undefined) },
      });
    }
    if (url.pathname === '/api/v1/version') return sendJson(res, 200, { version: gitea.version });
    const repoMatch = /^\/api\/v1\/repos\/([^/]+)\/([^/]+)(\/branches\/([^/]+))?$/.exec(url.pathname);
    const repo = repoMatch ? gitea.repos.get(`${repoMatch[1]}/${repoMatch[2]}`) : undefined;
    if (!repo) return sendJson(res, 404, { errors: null, message: 'The target couldn\'t be found.', url: `${baseUrl()}/api/swagger` });
    if (gitea.databaseProblem()) return sendJson(res, 500, { message: 'database is unavailable', url: `${baseUrl()}/api/swagger` });
    if (repoMatch?.[3]) {
      if (repoMatch[4] !== repo.defaultBranch) return sendJson(res, 404, { errors: null, message: 'branch does not exist', url: `${baseUrl()}/api/swagger` });
      const head = gitea.head(repo);
      return sendJson(res, 200, { name: repo.defaultBranch, commit: { id: head.sha, message: `${head.message}\n`, timestamp: new Date(head.timestamp).toISOString(), url: `${baseUrl()}/${repo.owner}/${repo.name}/commit/${head.sha}` }, protected: true });
    }
    return sendJson(res, 200, repoJson(gitea, repo, baseUrl()));
  };
}

function repoJson(gitea: Gitea, repo: Repo, base: string): object {
  const owner = { id: 1, login: repo.owner, username: repo.owner, full_name: 'Arcodange', email: '' };
  return {
    id: repo.id,
    owner,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    description: repo.description,
    empty: false,
    private: true,
    fork: false,
    mirror: false,
    archived: false,
    default_branch: repo.defaultBranch,
    html_url: `${base}/${repo.owner}/${repo.name}`,
    clone_url: `${base}/${repo.owner}/${repo.name}.git`,
    ssh_url: `git@gitea.sandbox.arcodange.lab:${repo.owner}/${repo.name}.git`,
    created_at: new Date(repo.createdAt).toISOString(),
    updated_at: new Date(gitea.head(repo).timestamp).toISOString(),
    size: 1024,
  };
}
