import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { LabSim } from '../../engine/sim/index.ts';
import { control, getJson, startTestSim } from '../helpers/lab-sim.ts';

interface Cert {
  name: string;
  notAfter: string;
  chainValid: boolean;
  pem: string;
}

describe('drill pki-reissue', () => {
  let sim: LabSim;
  before(async () => {
    sim = await startTestSim();
  });
  after(() => sim.stop());

  const roots = async () => new X509Certificate(await (await fetch(`${sim.urls.stepca}/roots.pem`)).text());
  const certs = async () => (await getJson(`${sim.urls.stepca}/lab/certificates`)).body.certificates as Cert[];

  it('re-init breaks every chain until the sandbox certificates are re-issued with a new expiry', async () => {
    assert.deepEqual((await getJson(`${sim.urls.stepca}/health`)).body, { status: 'ok' });
    const oldRoot = await roots();
    const before = await certs();
    assert.deepEqual(before.map((c) => c.name), ['erp', 'gitea', 'vault', 'argocd', 'traefik']);
    for (const c of before) {
      const leaf = new X509Certificate(c.pem);
      assert.ok(leaf.verify(oldRoot.publicKey) && leaf.checkIssued(oldRoot), `${c.name} chains to the root`);
      assert.ok(c.chainValid);
    }
    assert.match(new X509Certificate(before[0]?.pem ?? '').subjectAltName ?? '', /DNS:erp\.sandbox\.arcodange\.lab/);

    await sim.fault('ca-reinit');
    const newRoot = await roots();
    assert.notEqual(newRoot.fingerprint256, oldRoot.fingerprint256);
    const broken = await certs();
    assert.ok(broken.every((c) => !c.chainValid));
    assert.equal(new X509Certificate(broken[0]?.pem ?? '').verify(newRoot.publicKey), false);

    const reissued = await control(sim, '/control/stepca/reissue');
    assert.equal(reissued.status, 200);
    const after = await certs();
    assert.ok(after.every((c) => c.chainValid && new X509Certificate(c.pem).verify(newRoot.publicKey)));
    const gitea = (list: Cert[]) => Date.parse(list.find((c) => c.name === 'gitea')?.notAfter ?? '');
    assert.equal(gitea(after) - sim.now(), 90 * 86_400_000, 'new expiry: 90 days from now');
    assert.ok(gitea(after) > gitea(before));
  });
});
