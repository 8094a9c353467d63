import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import type { LabSim } from '../../engine/sim/index.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { kubeConfigFor } from '../helpers/kube-clients.ts';

interface Vss {
  metadata: { namespace: string; name: string };
  spec: { destination: { name: string } };
  status?: { secretMAC?: string };
}

describe('lab-sim VSO: what a VaultStaticSecret status shows', () => {
  let sim: LabSim;
  before(async () => {
    sim = await startTestSim();
    await sim.advance(60_000);
  });
  after(() => sim.stop());

  it('secretMAC is an HMAC-SHA256 (32 bytes, base64): no part of the synced secret can be read from it', async () => {
    const kc = kubeConfigFor(sim);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const core = kc.makeApiClient(CoreV1Api);
    const list = (await custom.listClusterCustomObject({ group: 'secrets.hashicorp.com', version: 'v1beta1', plural: 'vaultstaticsecrets' })) as { items: Vss[] };
    assert.ok(list.items.length > 0, 'the lab has VaultStaticSecrets');
    for (const vss of list.items) {
      const mac = vss.status?.secretMAC ?? '';
      assert.equal(Buffer.from(mac, 'base64').length, 32, `${vss.metadata.name}: ${mac}`);
      const secret = await core.readNamespacedSecret({ namespace: vss.metadata.namespace, name: vss.spec.destination.name });
      const decodedMac = Buffer.from(mac, 'base64').toString('latin1');
      for (const [key, value] of Object.entries(secret.data ?? {})) {
        const plain = Buffer.from(value, 'base64').toString('utf8');
        if (plain.length < 4) continue;
        assert.ok(!mac.includes(value.slice(0, 8)) && !decodedMac.includes(plain.slice(0, 8)), `${vss.metadata.name}: secretMAC reveals ${key}`);
      }
    }
  });
});
