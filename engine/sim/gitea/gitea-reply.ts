import type { IncomingMessage } from 'node:http';
import { readJson } from '../net/http-util.ts';
import type { Gitea } from '../world/gitea.ts';
import type { Caller } from './gitea-auth.ts';

/** What every API route needs: the model, where it is served, who is asking. */
export interface ApiContext {
  gitea: Gitea;
  baseUrl(): string;
  now(): number;
  caller: Caller;
  /** Lets the controllers react to a write before the response is sent. */
  afterWrite(): void;
}

export type Body = Record<string, unknown>;

/** An API answer thrown from anywhere in a route; `body: undefined` is an empty body. */
export class Reply extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`gitea ${status}`);
  }
}

const swagger = (ctx: ApiContext) => `${ctx.baseUrl()}/api/swagger`;

/** APIContext.NotFound(): Gitea's message unless a string was given, errors from error values. */
export const notFound = (ctx: ApiContext, o: { message?: string; errors?: string[] } = {}) =>
  new Reply(404, { errors: o.errors?.length ? o.errors : null, message: o.message ?? "The target couldn't be found.", url: swagger(ctx) });

/** APIContext.Error(): `{message, url}`. */
export const failure = (ctx: ApiContext, status: number, message: string) => new Reply(status, { message, url: swagger(ctx) });

/** go-chi binding's answer for a missing required field. */
export const required = (field: string) => new Reply(422, [{ fieldNames: [field], classification: 'RequiredError', message: 'Required' }]);

export const METHOD_NOT_ALLOWED = new Reply(405, undefined);

/** reqToken() and the write scope, then reqRepoWriter(): the sandbox's writes are its admin's. */
export function requireToken(ctx: ApiContext): void {
  if (!ctx.caller.signed) throw failure(ctx, 401, 'token is required');
  if (ctx.caller.scopes && !ctx.caller.scopes.some((s) => s === 'all' || s === 'write:repository')) throw failure(ctx, 403, 'token does not have at least one of required scope(s): [write:repository]');
  if (!ctx.caller.admin) throw failure(ctx, 403, 'user should have a permission to write to a repo');
}

export async function readBody(req: IncomingMessage): Promise<Body> {
  return (await readJson(req)) as Body;
}
