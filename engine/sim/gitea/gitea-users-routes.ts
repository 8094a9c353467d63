import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, sendRaw } from '../net/http-util.ts';
import { API_USER, type Repo } from '../world/gitea.ts';
import type { GiteaUser, Permission } from '../world/gitea-users.ts';
import { type ApiContext, failure, METHOD_NOT_ALLOWED, notFound, readBody, Reply, required } from './gitea-reply.ts';

const PERMISSIONS: Permission[] = ['read', 'write', 'admin'];

/** structs.User as the API serves it to an admin. */
function userJson(ctx: ApiContext, u: GiteaUser): object {
  const created = new Date(u.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    id: u.id,
    login: u.login,
    login_name: '',
    source_id: 0,
    full_name: '',
    email: u.email,
    avatar_url: `${ctx.baseUrl()}/avatars/${u.id}`,
    html_url: `${ctx.baseUrl()}/${u.login}`,
    language: '',
    is_admin: false,
    last_login: '0001-01-01T00:00:00Z',
    created,
    restricted: false,
    active: true,
    prohibit_login: false,
    location: '',
    website: '',
    description: '',
    visibility: 'public',
    followers_count: 0,
    following_count: 0,
    starred_repos_count: 0,
  };
}

/** reqSiteAdmin(): only the site admin manages users. */
function requireAdmin(ctx: ApiContext): void {
  if (!ctx.caller.signed) throw failure(ctx, 401, 'token is required');
  if (!ctx.caller.admin) throw failure(ctx, 403, 'user should be the site admin');
}

/** `/admin/users` (create) and `/admin/users/{username}` (delete, `?purge=true`). */
export async function routeAdminUsers(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, login: string): Promise<void> {
  requireAdmin(ctx);
  const users = ctx.gitea.users;
  if (!login) {
    if (req.method !== 'POST') throw METHOD_NOT_ALLOWED;
    const body = await readBody(req);
    if (typeof body.username !== 'string' || !body.username) throw required('Username');
    if (typeof body.email !== 'string' || !body.email) throw required('Email');
    if (users.find(body.username) || body.username.toLowerCase() === API_USER) throw failure(ctx, 422, `user already exists [name: ${body.username}]`);
    const user = users.create({ login: body.username, email: body.email, password: typeof body.password === 'string' ? body.password : '', now: ctx.now() });
    return sendJson(res, 201, userJson(ctx, user));
  }
  if (req.method !== 'DELETE') throw METHOD_NOT_ALLOWED;
  if (!users.find(login)) throw notFound(ctx, { errors: [`user does not exist [uid: 0, name: ${login}]`] });
  users.delete(login);
  sendRaw(res, 204, '', 'text/plain');
}

/** `GET /users/{username}`: Gitea's userGet (the admin is the only one asking here). */
export function routeUser(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, login: string): void {
  if (req.method !== 'GET') throw METHOD_NOT_ALLOWED;
  const user = ctx.gitea.users.find(login);
  if (!user) throw notFound(ctx, { errors: [`user redirect does not exist [name: ${login.toLowerCase()}]`] });
  sendJson(res, 200, userJson(ctx, user));
}

/** `/users/{username}/tokens`: reqBasicOrRevProxyAuth, so a token cannot mint tokens. */
export async function routeUserTokens(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, login: string): Promise<void> {
  if (req.method !== 'POST') throw METHOD_NOT_ALLOWED;
  if (!ctx.caller.signed || !ctx.caller.password) throw failure(ctx, 401, 'auth required');
  const user = ctx.gitea.users.find(login);
  if (!user || user.login.toLowerCase() !== ctx.caller.login.toLowerCase()) throw failure(ctx, 403, 'user should be the site admin');
  const body = await readBody(req);
  if (typeof body.name !== 'string' || !body.name) throw required('Name');
  if (user.tokens.some((t) => t.name === body.name)) throw failure(ctx, 400, 'access token name has been used already');
  const scopes = Array.isArray(body.scopes) ? body.scopes.filter((s): s is string => typeof s === 'string') : [];
  const token = ctx.gitea.users.addToken(user, body.name, scopes);
  sendJson(res, 201, { id: token.id, name: token.name, sha1: token.sha1, token_last_eight: token.sha1.slice(-8), scopes: token.scopes });
}

/** `PUT /repos/{owner}/{repo}/collaborators/{collaborator}` with `{permission}`. */
export async function routeCollaborator(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, repo: Repo, login: string): Promise<void> {
  if (req.method !== 'PUT') throw METHOD_NOT_ALLOWED;
  if (!ctx.caller.signed) throw failure(ctx, 401, 'token is required');
  if (!ctx.caller.admin) throw failure(ctx, 403, 'Only administrators of the repository can add collaborators.');
  const user = ctx.gitea.users.find(login);
  if (!user) throw new Reply(422, { message: `user does not exist [uid: 0, name: ${login}]`, url: `${ctx.baseUrl()}/api/swagger` });
  const body = await readBody(req);
  const permission = (typeof body.permission === 'string' ? body.permission : 'write') as Permission;
  if (!PERMISSIONS.includes(permission)) throw failure(ctx, 422, `invalid permission: ${String(body.permission)}`);
  ctx.gitea.users.setCollaborator(`${repo.owner}/${repo.name}`, user.login, permission);
  sendRaw(res, 204, '', 'text/plain');
}
