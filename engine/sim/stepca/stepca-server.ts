import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, sendRaw } from '../net/http-util.ts';
import type { StepCa } from '../world/stepca.ts';

/**
 * step-ca's public endpoints (/health, /version, /roots.pem, /root/<sha256>) plus one lab-sim
 * read, /lab/certificates: the sandbox certificates it issued, as PEM, with chain validity.
 */
export function createStepCaHandler(stepca: StepCa, version: string, now: () => number) {
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
    if (url.pathname === '/lab/certificates') {
      return sendJson(res, 200, {
        rootFingerprint: stepca.rootFingerprint,
        now: new Date(now()).toISOString(),
        certificates: [...stepca.certificates.values()].map((c) => ({
          name: c.name,
          commonName: c.commonName,
          serial: c.serial,
          notBefore: new Date(c.notBefore).toISOString(),
          notAfter: new Date(c.notAfter).toISOString(),
          issuerFingerprint: c.issuerFingerprint,
          ...stepca.status(c),
          pem: c.pem,
        })),
      });
    }
    sendJson(res, 404, { status: 404, message: 'not found' });
  };
}
