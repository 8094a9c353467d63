import { guardedFetch, type SocketPolicy } from './socket-policy.ts';

/** A JSON-over-HTTP service outside the cluster (Gitea, Step-CA), at the verified base URL only. */
export interface HttpService {
  readonly baseUrl: string;
  getJson<T>(path: string, timeoutMs: number): Promise<{ status: number; body: T; latencyMs: number }>;
  getText(path: string, timeoutMs: number): Promise<{ status: number; body: string; latencyMs: number }>;
  /** A write (POST, PUT, DELETE) with a JSON body; re-checks the target first. `as`: Basic auth instead of the service's own credentials. */
  send<T>(method: string, path: string, body: object | undefined, timeoutMs: number, as?: { user: string; password: string }): Promise<{ status: number; body: T | undefined }>;
}

export function createHttpService(baseUrl: string, recheck: () => void, policy: SocketPolicy, headers: () => Record<string, string> = () => ({})): HttpService {
  const base = baseUrl.replace(/\/+$/, '');
  const fetch = guardedFetch(policy);
  const get = async (path: string, timeoutMs: number) => {
    recheck();
    const started = performance.now();
    // Paths are appended to the verified base, never followed elsewhere: no redirects.
    const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual', headers: headers() });
    const body = await res.text();
    return { status: res.status, body, latencyMs: Math.round(performance.now() - started) };
  };
  return {
    baseUrl: base,
    async getJson<T>(path: string, timeoutMs: number) {
      const r = await get(path, timeoutMs);
      return { ...r, body: (r.body ? JSON.parse(r.body) : undefined) as T };
    },
    getText: get,
    async send<T>(method: string, path: string, body: object | undefined, timeoutMs: number, as?: { user: string; password: string }) {
      recheck();
      const auth: Record<string, string> = as ? { authorization: `Basic ${Buffer.from(`${as.user}:${as.password}`).toString('base64')}` } : {};
      const res = await fetch(`${base}${path}`, {
        method,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
        headers: { ...headers(), ...auth, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      let parsed: T | undefined;
      try {
        parsed = text ? (JSON.parse(text) as T) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, body: parsed };
    },
  };
}
