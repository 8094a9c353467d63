import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api } from '@kubernetes/client-node';
import type { LabSim } from '../../engine/sim/index.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { kubeConfigFor } from '../helpers/kube-clients.ts';

describe('lab-sim Deployment conditions carry the deployment controller\'s times', () => {
  let sim: LabSim;
  before(async () => {
    sim = await startTestSim();
    await sim.advance(60_000);
  });
  after(() => sim.stop());

  const conditions = async () => {
    const list = await kubeConfigFor(sim).makeApiClient(AppsV1Api).listDeploymentForAllNamespaces();
    return new Map(list.items.flatMap((d) => (d.status?.conditions ?? []).map((c) => [`${d.metadata?.namespace}/${d.metadata?.name} ${c.type}`, c] as const)));
  };

  it('every condition has lastUpdateTime and lastTransitionTime; while nothing changes, they stay', async () => {
    const first = await conditions();
    assert.ok(first.size > 0);
    for (const [key, c] of first) assert.ok(c.lastUpdateTime && c.lastTransitionTime, `${key}: ${JSON.stringify(c)}`);
    await sim.advance(10 * 60_000);
    const later = await conditions();
    for (const [key, c] of first) {
      const now = later.get(key);
      assert.deepEqual([String(now?.lastTransitionTime), now?.status], [String(c.lastTransitionTime), c.status], key);
    }
  });

  it('a condition whose status flips gets a new lastTransitionTime', async () => {
    const before = (await conditions()).get('erp/erp Available');
    assert.equal(before?.status, 'True');
    await sim.fault('node-stop', 'pi3');
    await sim.fault('node-stop', 'pi2');
    await sim.advance(10 * 60_000);
    const after = (await conditions()).get('erp/erp Available');
    if (after?.status === 'True') assert.fail(`erp stayed available with pi2 and pi3 off: ${JSON.stringify(after)}`);
    assert.ok(new Date(String(after?.lastTransitionTime)).getTime() > new Date(String(before?.lastTransitionTime)).getTime(), JSON.stringify({ before, after }));
  });
});
