import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequest, sendJson, sendRaw } from '../net/http-util.ts';
import { apiGroupDoc, apiGroupList, apiResourceList, apiVersions } from './discovery.ts';
import { ApiFailure, handleResource, type KubeApiContext } from './kube-handlers.ts';
import { parseKubePath } from './kube-routes.ts';
import { openApiGroupVersion, openApiRoot } from './openapi.ts';
import { statusError, UNAUTHORIZED } from './status.ts';
import { StoreConflict } from './store.ts';

export interface KubeServerOptions extends KubeApiContext {
  bearerToken: string;
  kubernetesVersion: string;
  platform: string;
}

const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);

// A request that carries credentials must carry the kubeconfig's bearer token, otherwise 401.
// A request without any is let through as anonymous: client-go (so stock kubectl) never sends
// credentials to a plain-http server ("only try to read the auth information if we are secure"
// in clientcmd), and lab-sim's kube listener is plain http by design.

export function createKubeHandler(opts: KubeServerOptions) {
  const versionInfo = versionDoc(opts.kubernetesVersion, opts.platform);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://lab-sim');
    try {
      const auth = req.headers.authorization;
      if (auth !== undefined && auth !== `Bearer ${opts.bearerToken}`) return sendJson(res, 401, UNAUTHORIZED);
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
        case 'resource':
          return await handleResource(opts, route.route, req, res, url);
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
