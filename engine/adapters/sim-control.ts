import { guardedFetch, type SocketPolicy } from './socket-policy.ts';

/**
 * lab-sim's fault and control API: the one sim-specific surface (fault injection,
 * recovery steps that have no real protocol, the manual clock, a state dump).
 */
export interface SimControl {
  readonly url: string;
  fault(kind: string, target?: string): Promise<unknown>;
  advance(ms: number): Promise<unknown>;
  recover(action: 'longhorn/inject-block-device' | 'longhorn/rename-orphan' | 'postgres/restore' | 'gitops/revert' | 'stepca/reissue', body?: Record<string, unknown>): Promise<unknown>;
  state(): Promise<unknown>;
}

export class SimControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'SimControlError';
  }
}

export function createSimControl(url: string, recheck: () => void, policy: SocketPolicy): SimControl {
  const base = url.replace(/\/+$/, '');
  const fetch = guardedFetch(policy);
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    if (method === 'POST') recheck();
    const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    const json = (await res.json().catch(() => ({}))) as { error?: string };
    if (!res.ok) throw new SimControlError(res.status, json.error ?? `HTTP ${res.status}`);
    return json;
  };
  return {
    url: base,
    fault: (kind, target) => call('POST', '/control/fault', { kind, target }),
    advance: (ms) => call('POST', '/control/clock/advance', { ms }),
    recover: (action, body = {}) => call('POST', `/control/${action}`, body),
    state: () => call('GET', '/control/state'),
  };
}
