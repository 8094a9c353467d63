import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import type { LabSim } from '../../engine/sim/index.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { kubeConfigFor } from '../helpers/kube-clients.ts';

describe('lab-sim kubelets re-post their node status', () => {
  let sim: LabSim;
  before(async () => {
    sim = await startTestSim();
    await sim.advance(60_000);
  });
  after(() => sim.stop());

  it('moves Ready\'s lastHeartbeatTime every 5 minutes (nodeStatusReportFrequency); lastTransitionTime stays', async () => {
    const core = kubeConfigFor(sim).makeApiClient(CoreV1Api);
    const ready = async () => (await core.readNode({ name: 'pi1' })).status?.conditions?.find((c) => c.type === 'Ready');
    const first = await ready();
    await sim.advance(6 * 60_000);
    const later = await ready();
    assert.equal(later?.status, 'True');
    assert.ok(new Date(later?.lastHeartbeatTime ?? 0).getTime() > new Date(first?.lastHeartbeatTime ?? 0).getTime(), `${String(first?.lastHeartbeatTime)} → ${String(later?.lastHeartbeatTime)}`);
    assert.equal(String(later?.lastTransitionTime), String(first?.lastTransitionTime));
    assert.ok(sim.now() - new Date(later?.lastHeartbeatTime ?? 0).getTime() <= 5 * 60_000, 'never older than one report period');
  });
});
