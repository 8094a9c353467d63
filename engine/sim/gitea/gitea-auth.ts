import type { IncomingMessage } from 'node:http';
import type { GiteaUsers } from '../world/gitea-users.ts';
import { API_USER, type Repo } from '../world/gitea.ts';

/**
 * Who a request is, as Gitea 1.22's auth group decides it (services/auth: oauth2.go, then
 * basic.go): the sandbox's write token (its user is a site admin), another user's personal
 * access token (with its scopes), or another user's password over Basic auth.
 */
export type Caller = { signed: true; login: string; admin: boolean; scopes?: string[]; password?: true } | { signed: false; refused?: string };

/**
 * A token is taken from `?token=` / `?access_token=`, `Authorization: token <T>` (lower case, as
 * Gitea matches it) or `bearer <T>`, or HTTP Basic with the token as password, or as user name
 * with an empty password or `x-oauth-basic`. Credentials that are nobody's are refused, not taken
 * as anonymous. The same rules hold for the API and for git over HTTP.
 */
export function callerOf(req: IncomingMessage, url: URL, users: GiteaUsers): Caller {
  const bearer = url.searchParams.get('token') || url.searchParams.get('access_token') || headerToken(req.headers.authorization);
  if (bearer) return tokenCaller(bearer, '', users);
  const basic = /^basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!basic) return { signed: false };
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return basicCaller(colon === -1 ? decoded : decoded.slice(0, colon), colon === -1 ? '' : decoded.slice(colon + 1), users);
}

/** HTTP Basic: a user's password, or a token as the password (or as the user name). */
export function basicCaller(user: string, password: string, users: GiteaUsers): Caller {
  if (password === '' || password === 'x-oauth-basic') return tokenCaller(user, user, users);
  const account = users.find(user);
  if (account && account.password === password) return { signed: true, login: account.login, admin: false, password: true };
  return tokenCaller(password, user, users);
}

function tokenCaller(sent: string, login: string, users: GiteaUsers): Caller {
  if (users.isAdminToken(sent)) return { signed: true, login: API_USER, admin: true };
  const found = users.byToken(sent);
  return found ? { signed: true, login: found.user.login, admin: false, scopes: found.token.scopes } : { signed: false, refused: `user does not exist [uid: 0, name: ${login}]` };
}

/** models/auth/access_token_scope.go: `all`, or the repository category at the level or above. */
function hasScope(scopes: string[] | undefined, mode: 'read' | 'write'): boolean {
  if (!scopes) return true;
  return scopes.some((s) => s === 'all' || s === 'write:repository' || (mode === 'read' && s === 'read:repository'));
}

/**
 * routers/web/repo/githttp.go's order: an anonymous caller may only read a public repository;
 * a token's scope is checked before the user's permission; the site admin may do everything, a
 * collaborator what they were given.
 */
export function repoAccess(caller: Caller, repo: Repo, users: GiteaUsers, mode: 'read' | 'write'): 'ok' | 'unauthenticated' | 'scope' | 'denied' {
  if (!caller.signed) return mode === 'read' && !repo.private ? 'ok' : 'unauthenticated';
  if (!hasScope(caller.scopes, mode)) return 'scope';
  if (caller.admin) return 'ok';
  const permission = users.permission(`${repo.owner}/${repo.name}`, caller.login);
  if (mode === 'read') return !repo.private || permission ? 'ok' : 'denied';
  return permission === 'write' || permission === 'admin' ? 'ok' : 'denied';
}

function headerToken(header: string | undefined): string | undefined {
  const fields = (header ?? '').trim().split(/\s+/);
  if (fields.length !== 2) return undefined;
  return fields[0] === 'token' || fields[0]?.toLowerCase() === 'bearer' ? fields[1] : undefined;
}
