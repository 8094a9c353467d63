import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import type { LabSim } from '../../engine/sim/index.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { kubeConfigFor } from '../helpers/kube-clients.ts';

interface LonghornVolume {
  metadata: { name: string };
  status: { robustness: string; state: string };
}

describe('drill node-kill: an agent node loses power', () => {
  let sim: LabSim;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;
  before(async () => {
    sim = await startTestSim();
    core = kubeConfigFor(sim).makeApiClient(CoreV1Api);
    custom = kubeConfigFor(sim).makeApiClient(CustomObjectsApi);
  });
  after(() => sim.stop());

  const readyCondition = async (node: string) => (await core.readNode({ name: node })).status?.conditions?.find((c) => c.type === 'Ready');
  const robustness = async (volume: string) => {
    const v = (await custom.getNamespacedCustomObject({ group: 'longhorn.io', version: 'v1beta2', namespace: 'longhorn-system', plural: 'volumes', name: volume })) as LonghornVolume;
    return v.status.robustness;
  };
  const podsOn = async (node: string) => (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` })).items;

  it('goes NotReady after the grace period, evicts and reschedules, degrades then rebuilds volumes', async () => {
    const before = await podsOn('pi3');
    const movable = before.filter((p) => p.metadata?.ownerReferences?.[0]?.kind === 'ReplicaSet').map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`);
    assert.ok(movable.length > 0, 'seed 7 places some Deployment pods on pi3');

    await sim.fault('node-stop', 'pi3');
    assert.equal(await robustness('pvc-erp-data'), 'degraded', 'a replica of the attached volume is on pi3');
    await sim.advance(39_000);
    assert.equal((await readyCondition('pi3'))?.status, 'True');
    await sim.advance(1_000);
    const notReady = await readyCondition('pi3');
    assert.deepEqual({ status: notReady?.status, reason: notReady?.reason }, { status: 'Unknown', reason: 'NodeStatusUnknown' });
    const node = await core.readNode({ name: 'pi3' });
    assert.deepEqual(node.spec?.taints?.map((t) => `${t.key}:${t.effect}`), ['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
    const stillThere = await podsOn('pi3');
    assert.equal(stillThere.length, before.length, 'pods are not evicted before the toleration runs out');
    assert.ok(stillThere.every((p) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'False'));

    await sim.advance(300_000);
    const evicted = await podsOn('pi3');
    const terminating = evicted.filter((p) => p.metadata?.deletionTimestamp).map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`);
    assert.deepEqual(terminating.sort(), movable.sort(), 'Deployment pods are evicted; DaemonSet pods tolerate the taint');
    await sim.advance(10_000);
    for (const key of movable) {
      const [namespace, name] = key.split('/') as [string, string];
      const app = name.replace(/-[a-z0-9]+-[a-z0-9]{5}$/, '');
      const pods = (await core.listNamespacedPod({ namespace, labelSelector: `app=${app}` })).items;
      const replacement = pods.find((p) => !p.metadata?.deletionTimestamp && p.metadata?.name !== name);
      assert.ok(replacement, `a replacement for ${key}`);
      assert.notEqual(replacement.spec?.nodeName, 'pi3');
      assert.equal(replacement.status?.phase, 'Running', `${replacement.metadata?.name} runs on ${replacement.spec?.nodeName}`);
    }

    await sim.fault('node-start', 'pi3');
    await sim.advance(30_000);
    assert.equal((await readyCondition('pi3'))?.status, 'True');
    assert.equal((await podsOn('pi3')).filter((p) => p.metadata?.deletionTimestamp).length, 0, 'the kubelet finished the evictions');
    assert.equal(await robustness('pvc-erp-data'), 'degraded', 'the returning replica rebuilds first');
    await sim.advance(120_000);
    assert.equal(await robustness('pvc-erp-data'), 'healthy');
    const state = sim.state();
    assert.ok(state.volumes.every((v) => v.dataIntact));
    assert.ok(state.nodes.every((n) => n.ready));
    assert.ok(state.apps.every((a) => a.sync === 'Synced' && a.health === 'Healthy'), JSON.stringify(state.apps));
  });
});
