import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import type { LabSim } from '../../engine/sim/index.ts';
import { control, startTestSim } from '../helpers/lab-sim.ts';
import { kubeConfigFor } from '../helpers/kube-clients.ts';

describe('drill db-drop-restore', () => {
  let sim: LabSim;
  before(async () => {
    sim = await startTestSim();
  });
  after(() => sim.stop());

  it('the ERP loses its database until it is restored from the sandbox backup bucket, data intact', async () => {
    const core = kubeConfigFor(sim).makeApiClient(CoreV1Api);
    const erpReady = async () => (await core.listNamespacedPod({ namespace: 'erp' })).items[0]?.status?.conditions?.find((c) => c.type === 'Ready')?.status;
    await sim.fault('db-drop', 'erp');
    await sim.advance(1_000);
    assert.equal(await erpReady(), 'False');
    const events = (await core.listNamespacedEvent({ namespace: 'erp' })).items;
    assert.ok(events.some((e) => e.reason === 'Unhealthy' && /database "erp" does not exist/.test(e.message ?? '')));
    assert.deepEqual(sim.state().postgres.databases.find((d) => d.name === 'erp'), { name: 'erp', present: false, rows: null, dataToken: null, intact: false });
    assert.equal(sim.state().apps.find((a) => a.name === 'webapp')?.health, 'Healthy', 'other apps keep their databases');

    const restored = await control(sim, '/control/postgres/restore', { database: 'erp' });
    assert.equal(restored.status, 200);
    assert.equal(restored.body.restoredFrom, 's3://sandbox-backups/postgres/erp.dump');
    await sim.advance(1_000);
    assert.equal(await erpReady(), 'True');
    assert.equal(sim.state().postgres.databases.find((d) => d.name === 'erp')?.intact, true);
    assert.equal(sim.state().apps.find((a) => a.name === 'erp')?.health, 'Healthy');
  });
});
