import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequest, readJson, sendJson } from '../net/http-util.ts';
import { ControlError } from '../world/control-error.ts';
import type { RecoveryActions } from '../world/recovery-actions.ts';

export interface ControlTarget {
  fault(kind: string, target?: string): Promise<object>;
  advance(ms: number): Promise<void>;
  state(): object;
  recovery: RecoveryActions;
  /** Resolves once the service listeners match the lab's state after an action. */
  settled(): Promise<void>;
}

const ENDPOINTS = [
  'GET  /control/state',
  'POST /control/fault {kind, target?}',
  'POST /control/clock/advance {ms}',
  'POST /control/longhorn/inject-block-device {volume}',
  'POST /control/longhorn/rename-orphan {volume}',
  'POST /control/postgres/restore {database}',
  'POST /control/gitops/revert {app}',
  'POST /control/stepca/reissue',
];

/** lab-sim's own API: fault injection, recovery steps without a real protocol, clock, state. */
export function createControlHandler(sim: ControlTarget) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://control');
    const route = `${req.method} ${url.pathname.replace(/\/+$/, '')}`;
    try {
      if (route === 'GET /control/state') return sendJson(res, 200, sim.state());
      if (req.method !== 'POST') throw new ControlError(404, `no such endpoint: ${route}; endpoints: ${ENDPOINTS.join('; ')}`);
      const body = (await readJson(req)) as Record<string, unknown>;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ControlError(400, 'the body must be a JSON object');
      let result: object;
      switch (url.pathname.replace(/\/+$/, '')) {
        case '/control/fault':
          if (typeof body.kind !== 'string') throw new ControlError(400, 'fault needs {"kind": "...", "target"?: "..."}');
          if (body.target !== undefined && typeof body.target !== 'string') throw new ControlError(400, 'target must be a string');
          result = await sim.fault(body.kind, body.target);
          break;
        case '/control/clock/advance': {
          const ms = body.ms;
          if (typeof ms !== 'number' || !(ms >= 0)) throw new ControlError(400, 'clock/advance needs {"ms": <non-negative number>}');
          await sim.advance(ms);
          result = { now: new Date((sim.state() as { clock: { now: number } }).clock.now).toISOString() };
          break;
        }
        case '/control/longhorn/inject-block-device':
          result = sim.recovery.injectBlockDevice(body.volume);
          break;
        case '/control/longhorn/rename-orphan':
          result = sim.recovery.renameOrphan(body.volume);
          break;
        case '/control/postgres/restore':
          result = await sim.recovery.restoreDatabase(body.database);
          break;
        case '/control/gitops/revert':
          result = await sim.recovery.revertGitops(body.app);
          break;
        case '/control/stepca/reissue':
          result = sim.recovery.reissueCertificates();
          break;
        default:
          throw new ControlError(404, `no such endpoint: ${route}; endpoints: ${ENDPOINTS.join('; ')}`);
      }
      await sim.settled();
      sendJson(res, 200, result);
    } catch (err) {
      if (err instanceof ControlError) return sendJson(res, err.status, { error: err.message });
      if (err instanceof BadRequest) return sendJson(res, 400, { error: err.message });
      if (err instanceof Error && /needs clock: "manual"/.test(err.message)) return sendJson(res, 409, { error: err.message });
      throw err;
    }
  };
}
