import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequest, readBytes, readJson, sendJson, sendRaw } from '../net/http-util.ts';
import { selfSubjectAccessReview } from './auth/access-review.ts';
import { authenticate } from './auth/authenticate.ts';
import { forbidden } from './auth/forbidden.ts';
import { authorize } from './auth/rbac-authorizer.ts';
import { requestAttributes } from './auth/request-attributes.ts';
import type { ServiceAccountTokens } from './auth/service-account-tokens.ts';
import { tokenRequest } from './auth/token-request.ts';
import { decodeSelfSubjectAccessReview, decodeTokenRequest } from './auth/review-protobuf.ts';
import { SYSTEM_MASTERS } from './auth/user-info.ts';
import { apiGroupDoc, apiGroupList, apiResourceList, apiVersions } from './discovery.ts';
import { ApiFailure, handleResource, type KubeApiContext } from './kube-handlers.ts';
import { parseKubePath } from './kube-routes.ts';
import { isReview } from './resources.ts';
import { openApiGroupVersion, openApiRoot } from './openapi.ts';
import { statusError, UNAUTHORIZED } from './status.ts';
import { StoreConflict } from './store.ts';

export interface KubeServerOptions extends KubeApiContext {
  bearerToken: string;
  tokens: ServiceAccountTokens;
  kubernetesVersion: string;
  platform: string;
}

const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);

// Every request is authenticated (auth/authenticate.ts: 401 for a token nobody issued), then
// authorised by RBAC unless its user is in system:masters, then served.

export function createKubeHandler(opts: KubeServerOptions) {
  const versionInfo = versionDoc(opts.kubernetesVersion, opts.platform);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://lab-sim');
    try {
      const user = authenticate(req.headers.authorization, opts.bearerToken, opts.tokens);
      if (!user) return sendJson(res, 401, UNAUTHORIZED);
      if (!user.groups.includes(SYSTEM_MASTERS)) {
        const attrs = requestAttributes(req.method ?? 'GET', url);
        const decision = authorize(opts.store, user, attrs);
        if (!decision.allowed) return sendJson(res, 403, forbidden(user, attrs, decision.reason));
      }
      if (url.pathname === '/version') return sendJson(res, 200, versionInfo);
      if (PUBLIC_PATHS.has(url.pathname)) return sendRaw(res, 200, 'ok', 'text/plain; charset=utf-8');
      if (url.pathname === '/openapi/v3') return sendJson(res, 200, openApiRoot());
      if (url.pathname.startsWith('/openapi/v3/')) {
        const doc = openApiGroupVersion(url.pathname.slice('/openapi/v3/'.length), opts.kubernetesVersion);
        if (doc) return sendJson(res, 200, doc);
      }
      if (url.pathname.startsWith('/openapi/')) {
        return sendJson(res, 404, statusError(404, 'NotFound', 'the server could not find the requested resource'));
      }
      const route = parseKubePath(url.pathname);
      switch (route.kind) {
        case 'discovery':
          return discovery(route.path, req, res);
        case 'resource': {
          const { def, namespace, name, subresource } = route.route;
          if (isReview(def)) {
            if (req.method !== 'POST') return sendJson(res, 405, statusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'));
            const body = isProtobuf(req) ? decodeSelfSubjectAccessReview(await readBytes(req)) : ((await readJson(req)) as object);
            const review = selfSubjectAccessReview(opts.store, user, body);
            return sendJson(res, review.code, review.body);
          }
          if (def.kind === 'ServiceAccount' && subresource === 'token' && name !== undefined && req.method === 'POST') {
            const body = isProtobuf(req) ? decodeTokenRequest(await readBytes(req)) : ((await readJson(req)) as object);
            const issued = tokenRequest(opts.store, opts.tokens, opts.now(), namespace ?? '', name, body);
            return sendJson(res, issued.code, issued.body);
          }
          return await handleResource(opts, route.route, req, res, url);
        }
        case 'unknown-resource':
          return sendJson(res, 404, statusError(404, 'NotFound', `the server could not find the requested resource (${route.plural} in ${route.groupVersion})`));
        default:
          return sendJson(res, 404, statusError(404, 'NotFound', 'the server could not find the requested resource'));
      }
    } catch (err) {
      if (err instanceof ApiFailure) return sendJson(res, err.status.code, err.status);
      if (err instanceof BadRequest) return sendJson(res, 400, statusError(400, 'BadRequest', err.message));
      if (err instanceof StoreConflict) {
        return sendJson(res, err.reason === 'NotFound' ? 404 : 409, statusError(err.reason === 'NotFound' ? 404 : 409, err.reason, err.message));
      }
      if (!res.headersSent) sendJson(res, 500, statusError(500, 'InternalError', `lab-sim: ${(err as Error).message}`));
      else res.destroy(err as Error);
    }
  };
}

function isProtobuf(req: IncomingMessage): boolean {
  return String(req.headers['content-type'] ?? '').startsWith('application/vnd.kubernetes.protobuf');
}

function discovery(path: string, req: IncomingMessage, res: ServerResponse): void {
  const host = req.headers.host ?? '127.0.0.1';
  const trimmed = path.replace(/\/+$/, '');
  const parts = trimmed.split('/').filter(Boolean);
  let body: object | undefined;
  if (trimmed === '/api') body = apiVersions(host);
  else if (trimmed === '/apis') body = apiGroupList();
  else if (parts[0] === 'api' && parts.length === 2) body = apiResourceList(parts[1] as string);
  else if (parts[0] === 'apis' && parts.length === 2) body = apiGroupDoc(parts[1] as string);
  else if (parts[0] === 'apis' && parts.length === 3) body = apiResourceList(`${parts[1]}/${parts[2]}`);
  if (!body) return sendJson(res, 404, statusError(404, 'NotFound', 'the server could not find the requested resource'));
  sendJson(res, 200, body);
}

function versionDoc(gitVersion: string, platform: string): object {
  const m = /^v(\d+)\.(\d+)/.exec(gitVersion);
  return {
    major: m?.[1] ?? '1',
    minor: m?.[2] ?? '0',
    gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-12-10T00:00:00Z',
    goVersion: 'go1.24.11',
    compiler: 'gc',
    platform,
  };
}
