import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LabSim, SimStateDump } from '../../engine/sim/index.ts';
import { startTestSim } from '../helpers/lab-sim.ts';

async function drill(sim: LabSim): Promise<SimStateDump> {
  await sim.fault('node-stop', 'pi2');
  await sim.advance(400_000);
  await sim.fault('node-start', 'pi2');
  await sim.fault('volume-corrupt', 'pvc-gitops-cache');
  await sim.advance(200_000);
  return sim.state();
}

describe('lab-sim determinism', () => {
  it('replays the same drill identically for the same seed on the manual clock', async () => {
    const epochMs = Date.UTC(2026, 5, 23, 8, 0, 0);
    const [a, b] = await Promise.all([startTestSim({ seed: 99, epochMs }), startTestSim({ seed: 99, epochMs })]);
    try {
      const [first, second] = [await drill(a), await drill(b)];
      assert.deepEqual(second, first);
      assert.ok(first.pods.some((p) => p.node === 'pi1' || p.node === 'pi3'));
      const other = await startTestSim({ seed: 100, epochMs });
      try {
        const dirs = (s: SimStateDump) => s.volumes.flatMap((v) => v.replicas.map((r) => r.dir));
        assert.notDeepEqual(dirs(other.state()), dirs(first));
      } finally {
        await other.stop();
      }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
