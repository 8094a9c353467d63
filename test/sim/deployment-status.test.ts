import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LabSim } from '../../engine/sim/index.ts';
import { bearerToken, getJson, kubectl, startTestSim } from '../helpers/lab-sim.ts';

const REVISION = 'deployment.kubernetes.io/revision';

interface Wire {
  metadata: { annotations?: Record<string, string> };
  status: Record<string, unknown>;
}

describe("lab-sim Deployments carry the deployment controller's revision annotation and unavailableReplicas", () => {
  let sim: LabSim;
  before(async () => {
    sim = await startTestSim();
    await sim.advance(30_000);
  });
  after(() => sim.stop());

  // Raw JSON: a client library would hide whether a zero count is on the wire or left out.
  const deployment = async (namespace: string, name: string): Promise<Wire> => {
    const res = await getJson(`${sim.urls.kube}/apis/apps/v1/namespaces/${namespace}/deployments/${name}`, { authorization: `Bearer ${bearerToken(sim)}` });
    assert.equal(res.status, 200);
    return res.body as Wire;
  };

  it('a settled Deployment is at revision 1 and has no unavailableReplicas key (omitempty)', async () => {
    const d = await deployment('webapp', 'webapp');
    assert.equal(d.metadata.annotations?.[REVISION], '1');
    assert.equal(d.status.readyReplicas, 2);
    assert.ok(!('unavailableReplicas' in d.status), JSON.stringify(d.status));
  });

  it('a template change bumps the revision; during the rollout the surge pod counts as unavailable', async () => {
    await kubectl(sim, 'rollout', 'restart', 'deployment/webapp', '-n', 'webapp');
    await sim.advance(1_000);
    const rolling = await deployment('webapp', 'webapp');
    assert.equal(rolling.metadata.annotations?.[REVISION], '2');
    // 2 replicas, maxSurge 25% → 1: the ReplicaSets want 3 pods, 2 are available.
    assert.deepEqual({ replicas: rolling.status.replicas, available: rolling.status.availableReplicas, unavailable: rolling.status.unavailableReplicas }, { replicas: 3, available: 2, unavailable: 1 });
    await sim.advance(120_000);
    const done = await deployment('webapp', 'webapp');
    assert.equal(done.metadata.annotations?.[REVISION], '2');
    assert.equal(done.status.updatedReplicas, 2);
    assert.ok(!('unavailableReplicas' in done.status), JSON.stringify(done.status));
  });

  it('a scale keeps the revision', async () => {
    await kubectl(sim, 'scale', 'deployment/webapp', '-n', 'webapp', '--replicas=3');
    await sim.advance(60_000);
    const d = await deployment('webapp', 'webapp');
    assert.equal(d.metadata.annotations?.[REVISION], '2');
    assert.equal(d.status.readyReplicas, 3);
  });

  it("a stopped node's pod is unavailable until its replacement is ready", async () => {
    // A one-replica Deployment whose pod runs on a worker (pi1 serves the API).
    const state = sim.state();
    const target = state.workloads
      .filter((w) => w.kind === 'Deployment' && w.replicas === 1)
      .flatMap((w) => state.pods.filter((p) => p.namespace === w.namespace && p.name.startsWith(`${w.name}-`) && p.node !== 'pi1').map((p) => ({ ...w, node: p.node as string })))[0];
    assert.ok(target, 'a single-replica Deployment on pi2 or pi3');
    await sim.fault('node-stop', target.node);
    await sim.advance(60_000);
    const down = await deployment(target.namespace, target.name);
    assert.equal(down.status.unavailableReplicas, 1, JSON.stringify(down.status));
    assert.ok(!('readyReplicas' in down.status) && !('availableReplicas' in down.status), 'zero counts are left out too');
    assert.equal(down.metadata.annotations?.[REVISION], '1', 'losing a pod is no new revision');
  });
});
