import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, type CoreV1Event } from '@kubernetes/client-node';
import type { LabSim } from '../../engine/sim/index.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { kubeConfigFor } from '../helpers/kube-clients.ts';

describe('lab-sim Events, as the recorders that write them', () => {
  let sim: LabSim;
  let events: CoreV1Event[];
  before(async () => {
    sim = await startTestSim();
    await sim.fault('vault-seal');
    await sim.advance(60_000);
    events = (await kubeConfigFor(sim).makeApiClient(CoreV1Api).listEventForAllNamespaces()).items;
  });
  after(() => sim.stop());

  it('a kubelet event names its node in source.host, with eventTime null (client-go\'s legacy recorder)', () => {
    const kubelet = events.filter((e) => e.source?.component === 'kubelet');
    assert.ok(kubelet.length > 0);
    for (const e of kubelet) {
      assert.match(e.source?.host ?? '', /^pi[123]$/, `${e.metadata?.name}: ${JSON.stringify(e.source)}`);
      assert.equal(e.eventTime ?? null, null, `${e.metadata?.name}`);
      assert.ok(e.lastTimestamp, 'the legacy timestamps are set');
    }
  });

  it('controllers other than the scheduler leave eventTime null and name no host', () => {
    const controllers = events.filter((e) => e.source?.component && !['kubelet', 'default-scheduler'].includes(e.source.component));
    assert.ok(controllers.length > 0);
    for (const e of controllers) assert.deepEqual([e.eventTime ?? null, e.source?.host], [null, undefined], `${e.source?.component} ${e.reason}`);
  });
});
