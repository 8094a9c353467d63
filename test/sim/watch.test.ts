import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, CoreV1Api, makeInformer, type V1Pod } from '@kubernetes/client-node';
import type { LabSim } from '../../engine/sim/index.ts';
import { bearerToken, kubectl, spawnKubectl, startTestSim } from '../helpers/lab-sim.ts';
import { kubeConfigFor } from '../helpers/kube-clients.ts';
import { waitFor } from '../helpers/wait.ts';

describe('lab-sim watches', () => {
  let sim: LabSim;
  before(async () => {
    sim = await startTestSim({ watchHistory: 40 });
  });
  after(() => sim.stop());

  it('kubectl get nodes -w shows a stopped node going NotReady after the 40 s grace period', async () => {
    const child = spawnKubectl(sim, 'get', 'nodes', '-w');
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    try {
      await waitFor(() => (out.match(/Ready/g) ?? []).length >= 3, { what: 'the initial node rows', timeoutMs: 10_000 });
      await sim.fault('node-stop', 'pi3');
      await sim.advance(39_000);
      assert.match(await kubectl(sim, 'get', 'node', 'pi3', '--no-headers'), /^pi3\s+Ready\s/, 'still Ready inside the grace period');
      await sim.advance(1_000);
      await waitFor(() => /pi3\s+NotReady\s+<none>\s+41d\s+v1\.34\.3\+k3s1/.test(out), { what: 'pi3 NotReady in kubectl -w output' });
      assert.match(out.split('\n')[0] ?? '', /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
    } finally {
      child.kill();
      await sim.fault('node-start', 'pi3');
      await sim.advance(30_000);
    }
  });

  it('serves 410 Expired as a watch ERROR event for a resourceVersion older than the history', async () => {
    const res = await fetch(`${sim.urls.kube}/api/v1/pods?watch=1&resourceVersion=1`, { headers: { authorization: `Bearer ${bearerToken(sim)}` } });
    assert.equal(res.status, 200);
    const [first] = (await res.text()).trim().split('\n');
    const event = JSON.parse(first ?? '{}');
    assert.equal(event.type, 'ERROR');
    assert.deepEqual({ kind: event.object.kind, code: event.object.code, reason: event.object.reason }, { kind: 'Status', code: 410, reason: 'Expired' });
  });

  it('feeds a client-node informer add/update/delete, and it relists after a 410', async () => {
    const kc = kubeConfigFor(sim);
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    let lists = 0;
    const informer = makeInformer(kc, '/api/v1/namespaces/webapp/pods', () => {
      lists++;
      return core.listNamespacedPod({ namespace: 'webapp' });
    });
    const seen = { add: [] as string[], update: [] as string[], delete: [] as string[], error: [] as unknown[] };
    informer.on('add', (p: V1Pod) => seen.add.push(p.metadata?.name ?? ''));
    informer.on('update', (p: V1Pod) => seen.update.push(p.metadata?.name ?? ''));
    informer.on('delete', (p: V1Pod) => seen.delete.push(p.metadata?.name ?? ''));
    informer.on('error', (err: unknown) => seen.error.push(err));
    const scale = (replicas: number) => apps.patchNamespacedDeploymentScale({ name: 'webapp', namespace: 'webapp', body: [{ op: 'replace', path: '/spec/replicas', value: replicas }] });
    try {
      await informer.start();
      await waitFor(() => seen.add.length === 2, { what: 'the two webapp pods' });

      await scale(3);
      await waitFor(() => seen.add.length === 3, { what: 'an add for the third pod' });
      const third = seen.add[2] as string;
      await sim.advance(10_000);
      await waitFor(() => informer.get(third, 'webapp')?.status?.phase === 'Running', { what: 'an update to Running' });
      assert.ok(seen.update.includes(third));

      await scale(2);
      await sim.advance(5_000);
      await waitFor(() => seen.delete.length === 1, { what: 'a delete after scale-down' });

      // Disconnected informer; meanwhile more changes than the watch history (40 events) holds.
      await informer.stop();
      for (let i = 0; i < 6; i++) {
        await scale(4);
        await sim.advance(10_000);
        await scale(2);
        await sim.advance(5_000);
      }
      assert.equal(lists, 1);
      await informer.start();
      await waitFor(() => lists === 2, { what: 'a relist after 410 Expired' });
      const live = (await core.listNamespacedPod({ namespace: 'webapp' })).items.map((p) => p.metadata?.name).sort();
      await waitFor(() => JSON.stringify(informer.list('webapp').map((p) => p.metadata?.name).sort()) === JSON.stringify(live), { what: 'informer cache equal to the live list' });
      // informer.stop() aborts its own request and reports that as an error; nothing else may fail.
      assert.deepEqual(seen.error.filter((e) => (e as { type?: string }).type !== 'aborted'), []);
    } finally {
      await informer.stop();
    }
  });
});
