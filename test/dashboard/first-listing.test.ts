import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeAdapter } from '../../engine/adapters/kube.ts';
import { startHealth } from '../../engine/health/health-service.ts';
import { healthyRaw } from '../helpers/raw-state.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * A Kubernetes adapter whose lists answer at once, except the pods, which answer when the test
 * says: what the dashboard shows while a big lab's 20,000 pods are still being listed.
 */
function fakeKube() {
  const raw = healthyRaw().kube!;
  let releasePods = (): void => {};
  const pods = new Promise<void>((r) => (releasePods = r));
  const list = (items: unknown[]) => async () => ({ metadata: { resourceVersion: '1' }, items });
  const byPlural: Record<string, unknown[]> = { volumes: raw.volumes, replicas: raw.replicas, orphans: raw.orphans, applications: raw.apps, vaultdynamicsecrets: raw.vaultSecrets, vaultstaticsecrets: [] };
  const adapter = {
    core: { listNode: list(raw.nodes), listEventForAllNamespaces: list(raw.events) },
    apps: { listDeploymentForAllNamespaces: list(raw.deployments) },
    custom: { listClusterCustomObject: ({ plural }: { plural: string }) => list(byPlural[plural] ?? [])() },
    listJson: async () => {
      await pods;
      return { metadata: { resourceVersion: '1' }, items: raw.pods };
    },
    informer(_path: string, listFn: () => Promise<{ items: unknown[] }>) {
      let items: unknown[] = [];
      return {
        on() {},
        async start() {
          items = (await listFn()).items;
        },
        async stop() {},
        list: () => items,
      };
    },
  } as unknown as KubeAdapter;
  return { adapter, releasePods };
}

describe('the first connection to a big lab', () => {
  it('shows the cluster as soon as everything but the pods is listed; what needs the pods says so until they are in', async () => {
    const { adapter, releasePods } = fakeKube();
    const health = startHealth({ sandbox: { name: 'sbx', context: 'sbx', server: 'https://x', simulated: false }, connectKube: async () => adapter, probes: [], isFatal: () => false, onFatal: () => {} });
    const kube = () => health.snapshots.get().sources.find((s) => s.id === 'kubernetes')!;
    try {
      const early = await waitFor(() => (kube().status === 'live' ? health.snapshots.get() : undefined), { what: 'the source live before the pods are listed' });
      assert.deepEqual(early.listing, ['pods']);
      assert.deepEqual(early.nodes.map((n) => n.name), ['pi1', 'pi2', 'pi3'], 'the nodes are there');
      assert.deepEqual(early.components.find((c) => c.id === 'workloads'), { id: 'workloads', status: 'unknown', reason: 'listing pods…', since: early.components.find((c) => c.id === 'workloads')!.since });

      releasePods();
      const full = await waitFor(() => (health.snapshots.get().listing === undefined ? health.snapshots.get() : undefined), { what: 'the pods listed' });
      assert.notEqual(full.components.find((c) => c.id === 'workloads')?.status, 'unknown');
      assert.ok(full.nodes.some((n) => n.podsRunning > 0), 'pods counted per node');
    } finally {
      await health.stop();
    }
  });
});
