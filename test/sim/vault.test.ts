import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import nodeVault from 'node-vault';
import type { LabSim } from '../../engine/sim/index.ts';
import { startTestSim } from '../helpers/lab-sim.ts';

/** An unsigned projected service-account token: the sim reads the claims, like a TokenReview would. */
function serviceAccountJwt(namespace: string, name: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ iss: 'https://kubernetes.default.svc', 'kubernetes.io': { namespace, serviceaccount: { name } } })}.sig`;
}

describe('lab-sim Vault API through node-vault', () => {
  let sim: LabSim;
  let keys: { unseal_keys_b64: string[]; unseal_keys_hex: string[]; root_token: string; unseal_threshold: number };
  const client = (token?: string) => nodeVault({ apiVersion: 'v1', endpoint: sim.urls.vault, token: token ?? 'none', pathPrefix: '', namespace: '' });
  before(async () => {
    sim = await startTestSim();
    keys = JSON.parse(readFileSync(sim.files.keyFile, 'utf8'));
  });
  after(() => sim.stop());

  it('writes a 0600 cluster-keys.json shaped like `vault operator init -format=json`', () => {
    assert.equal(statSync(sim.files.keyFile).mode & 0o777, 0o600);
    assert.deepEqual(Object.keys(keys), ['unseal_keys_b64', 'unseal_keys_hex', 'unseal_shares', 'unseal_threshold', 'recovery_keys_b64', 'recovery_keys_hex', 'recovery_keys_shares', 'recovery_keys_threshold', 'root_token']);
    assert.equal(keys.unseal_keys_b64.length, 1);
    assert.equal(keys.unseal_threshold, 1);
    assert.match(keys.root_token, /^hvs\./);
  });

  it('reports unsealed, serves the sandbox marker, kubernetes login and dynamic database credentials', async () => {
    const health = await client().health();
    assert.equal(health.sealed, false);
    assert.equal(health.initialized, true);
    assert.equal(health.version, '1.17.6');
    const status = await client().status();
    assert.deepEqual({ sealed: status.sealed, t: status.t, n: status.n, type: status.type }, { sealed: false, t: 1, n: 1, type: 'shamir' });
    const root = client(keys.root_token);
    const marker = await root.read('secret/data/lab/identity');
    assert.deepEqual(marker.data.data, { env: 'sandbox' });
    const policies = await root.list('sys/policies/acl');
    assert.ok(policies.data.keys.includes('erp'));
    assert.match((await root.read('sys/policies/acl/erp')).data.policy, /database\/creds\/erp/);
    assert.equal((await root.read('database/roles/erp')).data.default_ttl, 600);

    const app = client();
    // node-vault 0.12 renders /auth//login unless mount_point is given (its template reads args).
    const login = await app.kubernetesLogin({ mount_point: 'kubernetes', role: 'erp', jwt: serviceAccountJwt('erp', 'erp') });
    assert.deepEqual(login.auth.policies, ['default', 'erp']);
    const creds = await app.read('database/creds/erp');
    assert.match(creds.lease_id, /^database\/creds\/erp\//);
    assert.equal(creds.lease_duration, 600);
    assert.match(creds.data.username, /^v-kubernet-erp-/);
    await assert.rejects(app.read('database/creds/webapp'), /permission denied/);
    await assert.rejects(client().kubernetesLogin({ mount_point: 'kubernetes', role: 'erp', jwt: serviceAccountJwt('webapp', 'webapp') }), /permission denied/);
  });

  it('reports sealed after a seal, refuses secrets while sealed, rejects a wrong key, unseals with the key file', async () => {
    await client(keys.root_token).seal();
    const health = await client().health();
    assert.equal(health.sealed, true);
    const rawHealth = await fetch(`${sim.urls.vault}/v1/sys/health`);
    assert.equal(rawHealth.status, 503);
    assert.equal((await client().status()).sealed, true);
    await assert.rejects(client(keys.root_token).read('secret/data/lab/identity'), (err: Error & { response?: { statusCode: number } }) => {
      assert.equal(err.message, 'Vault is sealed');
      assert.equal(err.response?.statusCode, 503);
      return true;
    });
    await assert.rejects(client().unseal({ key: Buffer.alloc(32, 1).toString('base64') }), (err: Error & { response?: { statusCode: number } }) => {
      assert.equal(err.response?.statusCode, 400);
      assert.match(err.message, /Error unsealing/);
      return true;
    });
    const unsealed = await client().unseal({ key: keys.unseal_keys_b64[0] });
    assert.equal(unsealed.sealed, false);
    assert.equal((await client().health()).sealed, false);

    await sim.fault('vault-seal');
    assert.equal((await client().status()).sealed, true);
    assert.equal((await client().unseal({ key: keys.unseal_keys_hex[0] })).sealed, false);
  });
});
