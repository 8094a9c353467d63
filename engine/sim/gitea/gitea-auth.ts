import type { IncomingMessage } from 'node:http';

/** Who a request is, as Gitea 1.22's auth group decides it (services/auth: oauth2.go, then basic.go). */
export type Caller = { signed: true } | { signed: false; refused?: string };

/**
 * The sandbox has one user, the token's: a request is signed when it carries that token as
 * `?token=` / `?access_token=`, `Authorization: token <T>` (lower case, as Gitea matches it) or
 * `bearer <T>`, or HTTP Basic with the token as password, or as user name with an empty password
 * or `x-oauth-basic`. Credentials that are not the token are refused, not taken as anonymous.
 * The same rules hold for the API and for git over HTTP.
 */
export function callerOf(req: IncomingMessage, url: URL, token: string): Caller {
  const bearer = url.searchParams.get('token') || url.searchParams.get('access_token') || headerToken(req.headers.authorization);
  if (bearer) return bearer === token ? { signed: true } : { signed: false, refused: 'user does not exist [uid: 0, name: ]' };
  const basic = /^basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!basic) return { signed: false };
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon === -1 ? decoded : decoded.slice(0, colon);
  const password = colon === -1 ? '' : decoded.slice(colon + 1);
  const sent = password === '' || password === 'x-oauth-basic' ? user : password;
  return sent === token ? { signed: true } : { signed: false, refused: `user does not exist [uid: 0, name: ${user}]` };
}

function headerToken(header: string | undefined): string | undefined {
  const fields = (header ?? '').trim().split(/\s+/);
  if (fields.length !== 2) return undefined;
  return fields[0] === 'token' || fields[0]?.toLowerCase() === 'bearer' ? fields[1] : undefined;
}
