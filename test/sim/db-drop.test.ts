import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import type { LabSim } from '../../engine/sim/index.ts';
import { control, startTestSim } from '../helpers/lab-sim.ts';
import { kubeConfigFor } from '../helpers/kube-clients.ts';
import { pgClient, sql, tableDigest } from '../helpers/sim-postgres.ts';

describe('drill db-drop-restore', () => {
  let sim: LabSim;
  before(async () => {
    sim = await startTestSim();
  });
  after(() => sim.stop());

  it('DROP DATABASE … WITH (FORCE) takes the ERP down until the template-database backup is copied back: same rows', async () => {
    const core = kubeConfigFor(sim).makeApiClient(CoreV1Api);
    const erpReady = async () => (await core.listNamespacedPod({ namespace: 'erp' })).items[0]?.status?.conditions?.find((c) => c.type === 'Ready')?.status;
    const before = await tableDigest(sim, 'erp', 'erp_orders');
    assert.equal(before.rows, 184223);
    const session = await pgClient(sim, 'erp');
    const terminated = new Promise<Error & { code?: string }>((resolve) => session.on('error', resolve));

    await sim.fault('db-drop', 'erp');
    assert.equal((await terminated).code, '57P01', 'FORCE terminates the sessions on the database');
    assert.deepEqual(await sql(sim, 'postgres', "SELECT datname FROM pg_database WHERE datname = 'erp'"), []);
    await sim.advance(1_000);
    assert.equal(await erpReady(), 'False');
    const events = (await core.listNamespacedEvent({ namespace: 'erp' })).items;
    assert.ok(events.some((e) => e.reason === 'Unhealthy' && /database "erp" does not exist/.test(e.message ?? '')));
    assert.deepEqual(sim.state().postgres.databases.find((d) => d.name === 'erp'), { name: 'erp', present: false, rows: null, dataToken: null, intact: false });
    assert.equal(sim.state().apps.find((a) => a.name === 'webapp')?.health, 'Healthy', 'other apps keep their databases');

    const restored = await control(sim, '/control/postgres/restore', { database: 'erp' });
    assert.equal(restored.status, 200);
    assert.match(restored.body.restoredFrom, /^erp_backup_\d{8}t\d{4}$/);
    assert.equal(restored.body.rows, 184223);
    assert.deepEqual(await tableDigest(sim, 'erp', 'erp_orders'), before, 'row count and checksum as before the drop');
    assert.deepEqual(await sql(sim, 'postgres', "SELECT r.rolname AS owner FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname = 'erp'"), [{ owner: 'erp' }]);
    await sim.advance(1_000);
    assert.equal(await erpReady(), 'True');
    assert.equal(sim.state().postgres.databases.find((d) => d.name === 'erp')?.intact, true);
    assert.equal(sim.state().apps.find((a) => a.name === 'erp')?.health, 'Healthy');
  });
});
