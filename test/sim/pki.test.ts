import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import os from 'node:os';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { stepcaProbe } from '../../engine/health/stepca-probe.ts';
import type { CertRow } from '../../engine/health/types.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { loadConfigFile } from '../../src/config/load.ts';
import { openSandbox, type Sandbox } from '../../src/guard/sandbox.ts';
import { bearerToken, control, getJson, startTestSim } from '../helpers/lab-sim.ts';

const HOSTS = ['argocd', 'erp', 'traefik', 'vault'].map((h) => `${h}.sandbox.arcodange.lab`);
const SECRETS = ['argocd/argocd-tls', 'erp/erp-tls', 'traefik/traefik-tls', 'vault/vault-tls'];

/** What the OpenSSL verifier itself says (Node's https refusing the connection) for a served name. */
function nodeRefusal(address: string, servername: string, rootPem: string): Promise<string> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    const s = tls.connect({ host, port: Number(port), servername, ca: [rootPem] }, () => {
      s.destroy();
      resolve('accepted');
    });
    s.on('error', (e) => resolve(e.message));
  });
}

describe('drill pki-reissue: lab-tui checks the certificates where lab-sim serves them', () => {
  let sim: LabSim;
  let sandbox: Sandbox;
  const rootPem = async () => (await fetch(`${sim.urls.stepca}/roots.pem`)).text();
  const read = async (): Promise<CertRow[]> => {
    const probe = stepcaProbe({ ca: sandbox.stepca()!, tls: sandbox.tls(), endpoints: sandbox.resolved.stepca!.endpoints, ingressAddress: sandbox.resolved.stepca!.ingressAddress, kube: () => sandbox.kube(), now: () => new Date(sim.now()) });
    return (await probe.read(5000)).stepca!.certificates;
  };
  const summary = (rows: CertRow[]) => rows.map((r) => `${r.source} ${r.name} ${r.chainValid ? 'valid' : r.error}`);

  before(async () => {
    sim = await startTestSim();
    const env = { PATH: process.env.PATH ?? '', HOME: os.homedir() };
    sandbox = await openSandbox(loadConfigFile(sim.files.config, env), env);
  });
  after(() => sim.stop());

  it('step-ca has no listing of issued certificates: only its real endpoints', async () => {
    assert.deepEqual((await getJson(`${sim.urls.stepca}/health`)).body, { status: 'ok' });
    assert.equal((await getJson(`${sim.urls.stepca}/lab/certificates`)).status, 404);
  });

  it('the served chains and the tls Secrets verify against /roots.pem, with issuer and days left', async () => {
    const rows = await read();
    assert.deepEqual(summary(rows), [
      'endpoint gitea.sandbox.arcodange.lab valid',
      ...HOSTS.map((h) => `ingress ${h} valid`),
      ...SECRETS.map((s) => `secret ${s} valid`),
    ]);
    const gitea = rows[0]!;
    assert.deepEqual({ subject: gitea.subject, issuer: gitea.issuer, days: gitea.daysToExpiry }, { subject: 'gitea.sandbox.arcodange.lab', issuer: 'Arcodange Sandbox Root CA', days: 12 });
    // The Secrets are the upstream shape, found by the field selector the real API serves for them.
    const secrets = await getJson(`${sim.urls.kube}/api/v1/secrets?fieldSelector=type%3Dkubernetes.io%2Ftls`, { authorization: `Bearer ${bearerToken(sim)}` });
    assert.deepEqual(secrets.body.items.map((s: { metadata: { namespace: string; name: string } }) => `${s.metadata.namespace}/${s.metadata.name}`).sort(), SECRETS);
    assert.ok(secrets.body.items.every((s: { type: string; data: Record<string, string> }) => s.type === 'kubernetes.io/tls' && s.data['tls.crt'] && s.data['tls.key']));
  });

  it('a host Traefik has no Ingress for gets its default certificate, and fails in Node\'s words', async () => {
    const probe = stepcaProbe({ ca: sandbox.stepca()!, tls: sandbox.tls(), endpoints: [{ name: 'nothing.sandbox.arcodange.lab', address: sandbox.resolved.stepca!.ingressAddress! }], now: () => new Date(sim.now()) });
    const [row] = (await probe.read(5000)).stepca!.certificates;
    assert.deepEqual({ subject: row?.subject, valid: row?.chainValid, error: row?.error }, { subject: 'TRAEFIK DEFAULT CERT', valid: false, error: 'self-signed certificate' });
    assert.equal(row?.error, await nodeRefusal(sandbox.resolved.stepca!.ingressAddress!, 'nothing.sandbox.arcodange.lab', await rootPem()));
  });

  it('a name the served certificate does not cover fails with the hostname mismatch', async () => {
    const gitea = sandbox.resolved.stepca!.endpoints[0]!;
    const probe = stepcaProbe({ ca: sandbox.stepca()!, tls: sandbox.tls(), endpoints: [{ name: 'git.sandbox.arcodange.lab', address: gitea.address }], now: () => new Date(sim.now()) });
    const [row] = (await probe.read(5000)).stepca!.certificates;
    assert.equal(row?.error, "Hostname/IP does not match certificate's altnames: Host: git.sandbox.arcodange.lab. is not in the cert's altnames: DNS:gitea.sandbox.arcodange.lab");
  });

  it('ca-reinit breaks every chain in OpenSSL\'s words; pki.reissue makes them valid again, served without a restart', async () => {
    const before = await read();
    const oldRoot = new X509Certificate(await rootPem());
    await sim.fault('ca-reinit');
    const newRootPem = await rootPem();
    assert.notEqual(new X509Certificate(newRootPem).fingerprint256, oldRoot.fingerprint256);

    const broken = await read();
    const expected = await nodeRefusal(sandbox.resolved.stepca!.ingressAddress!, 'erp.sandbox.arcodange.lab', newRootPem);
    assert.equal(expected, 'unable to verify the first certificate');
    assert.deepEqual(summary(broken), summary(before).map((s) => s.replace(/ valid$/, ` ${expected}`)));

    const reissued = await control(sim, '/control/stepca/reissue');
    assert.equal(reissued.status, 200);
    const after = await read();
    assert.deepEqual(summary(after), summary(before));
    assert.ok(after.every((r) => r.daysToExpiry === 90), JSON.stringify(after.map((r) => r.daysToExpiry)));
    assert.equal(await nodeRefusal(sandbox.resolved.stepca!.ingressAddress!, 'erp.sandbox.arcodange.lab', newRootPem), 'accepted');
  });
});
