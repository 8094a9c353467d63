import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeAdapter } from '../../engine/adapters/kube.ts';
import { KubeSource } from '../../engine/health/kube-source.ts';
import { WATCHED } from '../../engine/health/kube-watches.ts';
import type { SourceState } from '../../engine/health/types.ts';
import { healthyRaw, snapshotOf } from '../helpers/raw-state.ts';
import { renderApp } from '../helpers/render-app.tsx';
import { waitFor } from '../helpers/wait.ts';

const ORPHANS_FORBIDDEN = 'forbidden: list orphans.longhorn.io (doctor: needs dashboard: list,watch orphans.longhorn.io)';

/**
 * An adapter whose informers list through the watch's own list function (as client-node's do)
 * and whose refused paths answer as client-node rejects a 403 (ApiException.code).
 */
function adapterRefusing(refused: string[]): KubeAdapter {
  const forbidden = Object.assign(new Error('HTTP-Code: 403 Message: Forbidden'), { code: 403 });
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'pi1' } };
  const list = async (path: string) => {
    if (refused.includes(path)) throw forbidden;
    return { items: path === '/api/v1/nodes' ? [node] : [], metadata: { resourceVersion: '1' } };
  };
  const k = {
    core: { listNode: () => list('/api/v1/nodes'), listEventForAllNamespaces: () => list('/api/v1/events') },
    apps: { listDeploymentForAllNamespaces: () => list('/apis/apps/v1/deployments') },
    custom: { listClusterCustomObject: ({ group, version, plural }: { group: string; version: string; plural: string }) => list(`/apis/${group}/${version}/${plural}`) },
    listJson: (path: string) => list(path),
    informer(_path: string, listFn: () => Promise<{ items: KubernetesObject[] }>) {
      let items: KubernetesObject[] = [];
      const handlers: Record<string, ((e?: unknown) => void)[]> = {};
      return {
        on: (ev: string, cb: (e?: unknown) => void) => void (handlers[ev] ??= []).push(cb),
        async start() {
          try {
            items = (await listFn()).items;
          } catch (e) {
            for (const cb of handlers.error ?? []) cb(e);
          }
        },
        stop: async () => {},
        list: () => items,
      };
    },
  };
  return k as unknown as KubeAdapter;
}

describe('a refused watch: its pane says what it needs, the rest stays live', () => {
  it('the source goes live without the refused cache, names it, and keeps the others', async () => {
    const states: Omit<SourceState, 'id'>[] = [];
    const source = new KubeSource({ connect: async () => adapterRefusing(['/apis/longhorn.io/v1beta2/orphans']), onChange: () => {}, onState: (s) => states.push(s), isFatal: () => false, onFatal: () => assert.fail('not fatal'), now: () => new Date() });
    source.start();
    await waitFor(() => states.some((s) => s.status === 'live'), { what: 'the source live' });
    assert.deepEqual(source.forbidden(), [{ watch: 'orphans', message: ORPHANS_FORBIDDEN }]);
    assert.deepEqual(source.list('nodes').map((n) => n.metadata?.name), ['pi1']);
    assert.ok(!states.some((s) => s.status === 'stale' || s.status === 'down'), `no outage: ${JSON.stringify(states)}`);
    await source.stop();
  });

  it('every watch’s message names its table entry (list <resource> … doctor: needs dashboard: …)', () => {
    for (const w of WATCHED) assert.equal(w.access.feature, 'dashboard', w.key);
    assert.ok(WATCHED.every((w) => w.path.endsWith(`/${w.access.resource}`)), 'each watch path is its entry’s resource');
  });

  it('the volumes pane shows the forbidden line; nodes and components stay as they are', async () => {
    const snapshot = { ...snapshotOf(healthyRaw()), forbidden: [{ watch: 'orphans', message: ORPHANS_FORBIDDEN }] };
    const r = renderApp({}, snapshot);
    assert.doesNotMatch(r.frame(), /forbidden/, 'the overview does not show orphans');
    assert.match(r.frame(), /pi1\s+\S+\s+Ready/);
    await r.press(':volumes\r');
    assert.ok(r.frame().includes(ORPHANS_FORBIDDEN.slice(0, 60)), r.frame());
    assert.match(r.frame(), /pvc-erp-data/, 'the volumes listed still show');
    assert.doesNotMatch(r.frame(), /STALE/);
    r.unmount();
  });
});
