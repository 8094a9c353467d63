import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, sendRaw } from '../net/http-util.ts';
import type { StepCa } from '../world/stepca.ts';

/**
 * step-ca's public endpoints (/health, /version, /roots.pem, /roots, /root/<sha256>). The
 * certificates it issued are not listed by step-ca: they are checked where they are served
 * (lab-sim's TLS listeners) and in the cluster's kubernetes.io/tls Secrets.
 */
export function createStepCaHandler(stepca: StepCa, version: string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://step-ca');
    if (url.pathname === '/health') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname === '/version') return sendJson(res, 200, { version, requireClientAuthentication: false });
    if (url.pathname === '/roots.pem') return sendRaw(res, 200, stepca.rootPem, 'application/x-pem-file');
    if (url.pathname === '/roots') return sendJson(res, 200, { crts: [stepca.rootPem] });
    const root = /^\/root\/([0-9a-f]{64})$/.exec(url.pathname);
    if (root) {
      if (root[1] !== stepca.rootFingerprint) return sendJson(res, 404, { status: 404, message: 'root was not found' });
      return sendJson(res, 200, { ca: stepca.rootPem });
    }
    sendJson(res, 404, { status: 404, message: 'not found' });
  };
}
