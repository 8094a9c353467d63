// The certificate checks handshake again only when something can have changed what is served: the
// root, the tls Secrets, a failing answer, or a minute gone by. An idle cockpit polls every 3 s.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { it } from 'node:test';
import type { HttpService } from '../../engine/adapters/http-service.ts';
import type { Handshake, TlsHandshake } from '../../engine/adapters/tls-handshake.ts';
import { stepcaProbe } from '../../engine/health/stepca-probe.ts';
import { issueCertificate, keyPairFromSeed } from '../../engine/sim/pki/x509.ts';

const DAY = 86_400_000;
const rootKey = keyPairFromSeed(Buffer.alloc(32, 1));
const leafPem = issueCertificate({ subject: 'gitea.sandbox.test', dnsNames: ['gitea.sandbox.test'], serial: Buffer.from([1]), notBefore: Date.now() - DAY, notAfter: Date.now() + 30 * DAY, subjectKey: keyPairFromSeed(Buffer.alloc(32, 2)).publicKey, issuer: { name: 'Test Root', key: rootKey }, ca: false });

function probeWith(answer: () => Handshake) {
  let root = 'root-1';
  let handshakes = 0;
  const ca = {
    baseUrl: 'http://ca',
    getJson: async () => ({ status: 200, body: { status: 'ok' }, latencyMs: 1 }),
    getText: async () => ({ status: 200, body: root, latencyMs: 1 }),
    send: async () => ({ status: 405, body: undefined }),
  } as unknown as HttpService;
  const tls: TlsHandshake = async () => {
    handshakes++;
    return answer();
  };
  const probe = stepcaProbe({ ca, tls, endpoints: [{ name: 'gitea.sandbox.test', address: '127.0.0.1:1' }], now: () => new Date() });
  return { probe, handshakes: () => handshakes, newRoot: () => (root = 'root-2') };
}

it('a valid served chain is handshaked once while the root stays, and again when the root changes', async () => {
  const p = probeWith(() => ({ leaf: new X509Certificate(leafPem), authorizationError: null }));
  for (let i = 0; i < 5; i++) {
    const { stepca } = (await p.probe.read(1000)) as { stepca: { certificates: { chainValid: boolean; daysToExpiry?: number }[] } };
    assert.deepEqual(stepca.certificates.map((c) => [c.chainValid, c.daysToExpiry]), [[true, 29]]);
  }
  assert.equal(p.handshakes(), 1);
  p.newRoot();
  await p.probe.read(1000);
  assert.equal(p.handshakes(), 2, 'a new root: the chain is judged again');
});

it('a failing answer is asked again at every poll, so a fix shows at once', async () => {
  const p = probeWith(() => ({ leaf: new X509Certificate(leafPem), authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }));
  for (let i = 0; i < 3; i++) {
    const { stepca } = (await p.probe.read(1000)) as { stepca: { certificates: { chainValid: boolean; error?: string }[] } };
    assert.deepEqual(stepca.certificates.map((c) => [c.chainValid, c.error]), [[false, 'unable to verify the first certificate']]);
  }
  assert.equal(p.handshakes(), 3);
});
