import { basicCaller, repoAccess } from '../gitea/gitea-auth.ts';
import type { KubeObject } from '../kube/kube-object.ts';
import { resourceForKind } from '../kube/resources.ts';
import type { Gitea } from './gitea.ts';
import type { World } from './world.ts';

const SECRET = resourceForKind('v1', 'Secret');
const SECRET_TYPE = 'argocd.argoproj.io/secret-type';

type SecretObject = KubeObject & { data?: Record<string, string>; stringData?: Record<string, string> };

/** util/git NormalizeGitURL for https URLs: lower case, without the `.git` suffix. */
export function normalizeGitUrl(url: string): string {
  return url.trim().toLowerCase().replace(/\.git$/, '');
}

const field = (s: SecretObject, key: string) => s.stringData?.[key] ?? (s.data?.[key] !== undefined ? Buffer.from(s.data[key] as string, 'base64').toString('utf8') : undefined);

/**
 * The credentials Argo CD uses for `repoURL` (util/db): the repository Secret whose url is the
 * same repository, else the repo-creds template with the longest url prefix; none for anonymous.
 */
export function credentialsFor(world: World, repoURL: string): { username: string; password: string } | undefined {
  const secrets = world.store.list<SecretObject>(SECRET, 'argocd');
  const wanted = normalizeGitUrl(repoURL);
  const repository = secrets.find((s) => s.metadata.labels?.[SECRET_TYPE] === 'repository' && normalizeGitUrl(field(s, 'url') ?? '') === wanted);
  const template = secrets
    .filter((s) => s.metadata.labels?.[SECRET_TYPE] === 'repo-creds' && field(s, 'url') && repoURL.startsWith(field(s, 'url') as string))
    .sort((a, b) => (field(b, 'url') as string).length - (field(a, 'url') as string).length)[0];
  const found = repository ?? template;
  const username = found && field(found, 'username');
  const password = found && field(found, 'password');
  return username !== undefined || password !== undefined ? { username: username ?? '', password: password ?? '' } : undefined;
}

/**
 * What the repo-server's ls-remote of a Gitea repository meets with those credentials, in go-git's
 * words (plumbing/transport/http NewErr: the error, then Gitea's body); undefined when it may read.
 */
export function repoReadProblem(world: World, gitea: Gitea, repoURL: string): string | undefined {
  const repo = gitea.findByUrl(repoURL);
  if (!repo) return undefined;
  const creds = credentialsFor(world, repoURL);
  const caller = creds ? basicCaller(creds.username, creds.password, gitea.users) : { signed: false as const };
  const access = repoAccess(caller, repo, gitea.users, 'read');
  if (access === 'unauthenticated') return 'authentication required: Unauthorized';
  if (access === 'scope') return 'authorization failed: Forbidden';
  if (access === 'denied') return 'repository not found: Repository not found';
  return undefined;
}
