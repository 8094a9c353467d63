import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startLabSim, type LabSim } from '../../engine/sim/index.ts';
import { control, getJson, refused, startTestSim } from '../helpers/lab-sim.ts';
import { waitFor } from '../helpers/wait.ts';

describe('lab-sim control API', () => {
  let sim: LabSim;
  before(async () => {
    sim = await startTestSim();
  });
  after(() => sim.stop());

  it('rejects unknown kinds, missing and unknown targets, unknown endpoints with the valid choices', async () => {
    const kind = await control(sim, '/control/fault', { kind: 'meteor' });
    assert.equal(kind.status, 400);
    assert.match(kind.body.error, /unknown fault kind "meteor"; valid kinds: node-stop, node-start, power-cut, power-restore, vault-seal, volume-corrupt, db-drop, bad-sync, ca-reinit/);
    const missing = await control(sim, '/control/fault', { kind: 'node-stop' });
    assert.equal(missing.status, 400);
    assert.match(missing.body.error, /node-stop needs a target; valid: pi1, pi2, pi3/);
    const target = await control(sim, '/control/fault', { kind: 'db-drop', target: 'prod' });
    assert.equal(target.status, 400);
    assert.match(target.body.error, /valid: erp, gitea, webapp/);
    const restore = await control(sim, '/control/fault', { kind: 'power-restore' });
    assert.equal(restore.status, 409);
    const volume = await control(sim, '/control/longhorn/inject-block-device', { volume: 'pvc-erp-data' });
    assert.equal(volume.status, 409, 'no orphaned data to inject on a healthy volume');
    const endpoint = await control(sim, '/control/nope');
    assert.equal(endpoint.status, 404);
    assert.match(endpoint.body.error, /POST \/control\/fault/);
  });

  it('advances the manual clock and dumps the whole lab', async () => {
    const start = sim.now();
    const advanced = await control(sim, '/control/clock/advance', { ms: 90_000 });
    assert.equal(advanced.status, 200);
    assert.equal(sim.now(), start + 90_000);
    const { status, body } = await getJson(`${sim.urls.control}/control/state`);
    assert.equal(status, 200);
    assert.equal(body.clock.now, start + 90_000);
    assert.deepEqual(Object.keys(body), ['clock', 'services', 'nodes', 'pods', 'podCount', 'workloads', 'longhorn', 'volumes', 'vault', 'vso', 'apps', 'postgres', 'gitea', 'stepca', 'faults']);
    assert.deepEqual(body.services, { kube: true, vault: true, gitea: true, stepca: true, postgres: true });
    assert.equal(body.vault.sealed, false);
    assert.ok(body.volumes.every((v: { dataIntact: boolean }) => v.dataIntact));
  });

  it('serves Gitea on pi2 and loses it, and PostgreSQL, with pi2', async () => {
    assert.equal((await getJson(`${sim.urls.gitea}/api/healthz`)).body.status, 'pass');
    assert.equal((await getJson(`${sim.urls.gitea}/api/v1/version`)).body.version, '1.22.3');
    const repo = await getJson(`${sim.urls.gitea}/api/v1/repos/arcodange/runbooks`);
    assert.equal(repo.body.full_name, 'arcodange/runbooks');
    assert.equal((await getJson(`${sim.urls.gitea}/api/v1/repos/arcodange/nope`)).status, 404);

    const res = await control(sim, '/control/fault', { kind: 'node-stop', target: 'pi2' });
    assert.equal(res.status, 200);
    assert.ok(await refused(sim.urls.gitea));
    assert.equal(sim.state().postgres.up, false);
    await control(sim, '/control/fault', { kind: 'node-start', target: 'pi2' });
    await control(sim, '/control/clock/advance', { ms: 45_000 });
    assert.equal((await getJson(`${sim.urls.gitea}/api/healthz`)).body.status, 'pass');
    assert.equal(sim.state().postgres.up, true);
    assert.deepEqual(sim.state().faults.map((f) => `${f.kind} ${f.target}`), ['node-stop pi2', 'node-start pi2']);
  });

  it('reports Gitea unhealthy when its database is dropped', async () => {
    await sim.fault('db-drop', 'gitea');
    const health = await getJson(`${sim.urls.gitea}/api/healthz`);
    assert.equal(health.status, 424, 'Failed Dependency, as Gitea answers a failing check');
    assert.equal(health.body.checks['database:ping'][0].status, 'fail');
    await control(sim, '/control/postgres/restore', { database: 'gitea' });
    assert.equal((await getJson(`${sim.urls.gitea}/api/healthz`)).status, 200);
  });
});

describe('lab-sim on the real clock', () => {
  it('runs the same dynamics scaled by speed, and refuses manual advance', async () => {
    const sim = await startLabSim({ clock: 'real', speed: 1000, seed: 3 });
    try {
      await sim.fault('node-stop', 'pi3');
      await waitFor(() => sim.state().nodes.find((n) => n.name === 'pi3')?.ready === false, { what: 'pi3 NotReady after 40 sim-seconds (40 ms)' });
      await assert.rejects(sim.advance(1000), /needs clock: "manual"/);
      assert.equal((await control(sim, '/control/clock/advance', { ms: 1 })).status, 409);
    } finally {
      await sim.stop();
    }
  });
});
