import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequest, readJson, sendJson } from '../net/http-util.ts';
import { VaultError, type VaultCore, type VaultToken } from '../world/vault-core.ts';
import type { Capability } from './vault-acl.ts';
import { errors, permissionDenied, Reply } from './vault-reply.ts';
import { health, healthCode, logical, mountTypeOf, parseUnsealKey, sealStatus, serviceAccountFromJwt } from './vault-responses.ts';
import { routeStorage, UNHANDLED } from './vault-storage-routes.ts';

export interface VaultServerContext {
  vault: VaultCore;
  now(): number;
  afterWrite(): void;
}

type Body = Record<string, unknown>;

// Endpoints that answer while sealed, as in Vault.
const SEALED_OK = new Set(['sys/health', 'sys/seal-status', 'sys/unseal', 'sys/init', 'sys/leader']);

/** The slice of Vault's HTTP API that lab-tui (via node-vault) and the runbooks use. */
export function createVaultHandler(ctx: VaultServerContext) {
  let unsealProgress = 0;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://vault');
    const path = url.pathname.replace(/^\/v1\//, '').replace(/\/+$/, '');
    const method = req.method === 'GET' && ['true', '1'].includes(url.searchParams.get('list') ?? '') ? 'LIST' : (req.method ?? 'GET');
    const { vault } = ctx;
    try {
      if (!url.pathname.startsWith('/v1/')) throw errors(404);
      if (vault.sealed && !SEALED_OK.has(path)) throw errors(503, 'Vault is sealed');
      const body = method === 'GET' || method === 'LIST' ? {} : ((await readJson(req)) as Body);
      if (path === 'sys/health') {
        // Vault answers GET and HEAD only; a bad parameter is a 400 with an empty error list.
        if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { errors: [] });
        const code = healthCode(url.searchParams, vault.sealed);
        return sendJson(res, code, code === 400 ? { errors: [] } : health(vault, ctx.now()));
      }
      if (path === 'sys/seal-status') return sendJson(res, 200, sealStatus(vault, unsealProgress));
      if (path === 'sys/init') return sendJson(res, 200, { initialized: true });
      if (path === 'sys/unseal' && (method === 'PUT' || method === 'POST')) {
        if (body.reset === true) {
          unsealProgress = 0;
          return sendJson(res, 200, sealStatus(vault, 0));
        }
        const key = parseUnsealKey(body.key);
        if (!key) throw errors(400, "'key' must be a valid hex or base64 string");
        if (vault.sealed && !vault.tryUnseal(key)) throw errors(400, 'Error unsealing: cipher: message authentication failed');
        unsealProgress = 0;
        ctx.afterWrite();
        return sendJson(res, 200, sealStatus(vault, 0));
      }
      const kvMounts = vault.spec.kv.map((k) => k.mount);
      const mounted = (result: unknown) => (result && typeof result === 'object' && 'mount_type' in result ? { ...result, mount_type: mountTypeOf(path, kvMounts) } : result);
      if (path === 'auth/kubernetes/login' && (method === 'POST' || method === 'PUT')) return sendJson(res, 200, mounted(login(ctx, body)));

      const token = vault.lookupToken(header(req, 'x-vault-token') ?? bearer(req));
      if (!token) throw errors(403, 'permission denied');
      const result = await route(ctx, token, method, path, body);
      ctx.afterWrite();
      if (result === undefined) {
        res.writeHead(204);
        res.end();
        return;
      }
      return sendJson(res, 200, mounted(result));
    } catch (err) {
      if (err instanceof Reply) return sendJson(res, err.status, err.body);
      if (err instanceof VaultError) return sendJson(res, err.code || 503, { errors: [err.message] });
      if (err instanceof BadRequest) return sendJson(res, 400, { errors: [err.message] });
      throw err;
    }
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function bearer(req: IncomingMessage): string | undefined {
  return /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
}

function login(ctx: VaultServerContext, body: Body): unknown {
  if (typeof body.role !== 'string' || !body.role) throw errors(400, 'missing role');
  const sa = serviceAccountFromJwt(body.jwt);
  if (!sa) throw errors(403, 'permission denied');
  const t = ctx.vault.loginKubernetes(body.role, sa);
  const ttl = Math.round((t.expiresAt - ctx.now()) / 1000);
  return logical(null, {
    auth: {
      client_token: t.id,
      accessor: t.accessor,
      policies: t.policies,
      token_policies: t.policies,
      metadata: { ...t.meta, service_account_secret_name: '', service_account_uid: '' },
      lease_duration: ttl,
      renewable: true,
      entity_id: '',
      token_type: 'service',
      orphan: true,
      mfa_requirement: null,
      num_uses: 0,
    },
  });
}

/** Database credentials answer once pi2's PostgreSQL has run their statements (or refused them). */
async function route(ctx: VaultServerContext, token: VaultToken, method: string, path: string, body: Body): Promise<unknown> {
  const { vault } = ctx;
  const need = (p: string, ...capabilities: Capability[]) => {
    if (!capabilities.every((c) => vault.allowed(token, p, c))) throw permissionDenied();
  };
  let m: RegExpExecArray | null;

  if (path === 'sys/seal' && (method === 'PUT' || method === 'POST')) {
    need('sys/seal', 'update', 'sudo');
    vault.seal();
    return undefined;
  }
  const stored = await routeStorage(vault, token, method, path, body, ctx.afterWrite);
  if (stored !== UNHANDLED) return stored;
  if (path === 'auth/token/lookup-self') return logical(lookupSelf(token, ctx.now()));
  if ((m = /^database\/creds\/([^/]+)$/.exec(path)) && (method === 'GET' || method === 'POST')) {
    need(path, 'read');
    const displayName = token.meta.role ? `kubernetes-${token.meta.service_account_namespace}-${token.meta.service_account_name}` : 'root';
    const { lease, created } = vault.database.issue(m[1] as string, displayName);
    ctx.afterWrite();
    const refused = await created;
    if (refused) throw refused;
    return logical({ username: lease.username, password: lease.password }, { lease_id: lease.id, renewable: true, lease_duration: Math.round((lease.expiresAt - ctx.now()) / 1000) });
  }
  if ((path === 'sys/leases/renew' || path === 'sys/renew') && (method === 'PUT' || method === 'POST')) {
    const { lease, renewed } = vault.database.renew(String(body.lease_id ?? ''));
    ctx.afterWrite();
    const refused = await renewed;
    if (refused) throw refused;
    return logical(null, { lease_id: lease.id, renewable: true, lease_duration: Math.round((lease.expiresAt - ctx.now()) / 1000) });
  }
  if (path === 'sys/leases/lookup' && (method === 'PUT' || method === 'POST')) {
    const lease = vault.lease(String(body.lease_id ?? ''));
    if (!lease || ctx.now() >= lease.expiresAt) throw errors(400, 'invalid lease');
    return logical({ id: lease.id, issue_time: new Date(lease.issuedAt).toISOString(), expire_time: new Date(lease.expiresAt).toISOString(), renewable: true, ttl: Math.round((lease.expiresAt - ctx.now()) / 1000) });
  }
  if ((m = /^([^/]+)\/(data|metadata)\/(.+)$/.exec(path)) && method === 'GET') {
    need(path, 'read');
    const data = vault.readKv(m[1] as string, m[3] as string);
    if (!data) throw errors(404);
    // As vault-plugin-secrets-kv answers: times in RFC 3339 with nanoseconds, an unset deletion
    // time as "", no custom metadata as null; the metadata's versions list each version's times.
    const created = '2026-05-11T09:12:44.182736541Z';
    if (m[2] === 'data') return logical({ data, metadata: { created_time: created, custom_metadata: null, deletion_time: '', destroyed: false, version: 1 } });
    return logical({ cas_required: false, created_time: created, current_version: 1, custom_metadata: null, delete_version_after: '0s', max_versions: 0, oldest_version: 0, updated_time: created, versions: { 1: { created_time: created, deletion_time: '', destroyed: false } } });
  }
  throw errors(404);
}

/**
 * auth/token/lookup-self as vault/token_store.go handleLookup answers it: the keys every token has,
 * then those of a token with a lease (expire_time, issue_time, ttl); the root token has none.
 */
function lookupSelf(token: VaultToken, now: number): Record<string, unknown> {
  const kubernetes = token.meta.role !== undefined;
  const ttlSeconds = token.expiresAt === Infinity ? 0 : Math.round((token.expiresAt - token.issuedAt) / 1000);
  return {
    accessor: token.accessor,
    creation_time: Math.floor(token.issuedAt / 1000),
    creation_ttl: ttlSeconds,
    display_name: kubernetes ? `kubernetes-${token.meta.service_account_namespace}-${token.meta.service_account_name}` : 'root',
    entity_id: '',
    expire_time: token.expiresAt === Infinity ? null : new Date(token.expiresAt).toISOString(),
    explicit_max_ttl: 0,
    id: token.id,
    ...(token.expiresAt === Infinity ? {} : { issue_time: new Date(token.issuedAt).toISOString() }),
    meta: kubernetes ? token.meta : null,
    num_uses: 0,
    orphan: true,
    path: kubernetes ? 'auth/kubernetes/login' : 'auth/token/root',
    policies: token.policies,
    renewable: token.expiresAt !== Infinity,
    ttl: token.expiresAt === Infinity ? 0 : Math.max(0, Math.round((token.expiresAt - now) / 1000)),
    type: 'service',
  };
}
