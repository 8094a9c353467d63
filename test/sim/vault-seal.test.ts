import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import nodeVault from 'node-vault';
import type { LabSim } from '../../engine/sim/index.ts';
import { kubectl, startTestSim } from '../helpers/lab-sim.ts';
import { kubeConfigFor } from '../helpers/kube-clients.ts';

interface Vds {
  status: { lastRenewalTime: number; secretLease: { id: string }; vaultClientMeta: { id: string } };
}

describe('drill vault-seal', () => {
  let sim: LabSim;
  before(async () => {
    sim = await startTestSim();
  });
  after(() => sim.stop());

  it('stales VSO secrets and the ERP while sealed; unseal + VSO re-auth restores them', async () => {
    const kc = kubeConfigFor(sim);
    const core = kc.makeApiClient(CoreV1Api);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const vds = async () => (await custom.getNamespacedCustomObject({ group: 'secrets.hashicorp.com', version: 'v1beta1', namespace: 'erp', plural: 'vaultdynamicsecrets', name: 'erp-db-creds' })) as Vds;
    const erpPods = async () => (await core.listNamespacedPod({ namespace: 'erp' })).items.filter((p) => !p.metadata?.deletionTimestamp);
    const ready = (p: Awaited<ReturnType<typeof erpPods>>[number] | undefined) => p?.status?.conditions?.find((c) => c.type === 'Ready')?.status;
    const vault = nodeVault({ apiVersion: 'v1', endpoint: sim.urls.vault, token: 'none', pathPrefix: '', namespace: '' });
    const before = await vds();
    const secretBefore = (await core.readNamespacedSecret({ namespace: 'erp', name: 'erp-db-creds' })).data?.username;

    await sim.fault('vault-seal');
    assert.equal((await vault.status()).sealed, true);
    // VSO renews at 67 % of the 600 s lease: the renewal at 402 s fails against the sealed Vault.
    await sim.advance(405_000);
    const stale = sim.state().vso.find((s) => s.name === 'erp-db-creds');
    assert.ok((stale?.failures ?? 0) > 0);
    assert.match(stale?.lastError ?? '', /Code: 503[\s\S]*Vault is sealed/);
    assert.equal((await vds()).status.lastRenewalTime, before.status.lastRenewalTime, 'no renewal while sealed');
    const events = (await core.listNamespacedEvent({ namespace: 'erp', fieldSelector: 'involvedObject.name=erp-db-creds' })).items;
    assert.ok(events.some((e) => e.reason === 'SecretLeaseRenewalError' && e.type === 'Warning'));
    assert.equal(ready((await erpPods())[0]), 'True', 'the lease is still valid');

    await sim.advance(200_000);
    assert.equal(sim.state().vso.find((s) => s.name === 'erp-db-creds')?.fresh, false);
    assert.equal(ready((await erpPods())[0]), 'False', 'the expired database role fails the readiness probe');

    const keys = JSON.parse(readFileSync(sim.files.keyFile, 'utf8'));
    assert.equal((await vault.unseal({ key: keys.unseal_keys_b64[0] })).sealed, false);
    // The runbook's nudge: any change to the VaultDynamicSecret makes VSO retry at once.
    await kubectl(sim, 'annotate', 'vaultdynamicsecret', 'erp-db-creds', '-n', 'erp', 'lab-tui/reauth=1');
    assert.equal(sim.state().vso.find((s) => s.name === 'erp-db-creds')?.fresh, true, 're-authenticated without waiting for the back-off');
    const after = await vds();
    assert.notEqual(after.status.secretLease.id, before.status.secretLease.id, 'fresh credentials');
    assert.notEqual(after.status.vaultClientMeta.id, before.status.vaultClientMeta.id, 'VSO logged in again');
    assert.notEqual((await core.readNamespacedSecret({ namespace: 'erp', name: 'erp-db-creds' })).data?.username, secretBefore);
    await sim.advance(20_000);
    const pods = await erpPods();
    assert.equal(pods.length, 1);
    assert.equal(ready(pods[0]), 'True', 'the rollout restart brought a pod with the new credentials');
    assert.equal(sim.state().vso.find((s) => s.name === 'erp-db-creds')?.fresh, true);
  });
});
