import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listOf, visibleRows } from '../../screens/dashboard/state.ts';
import { healthyRaw, node, snapshotOf } from '../helpers/raw-state.ts';
import { press } from '../helpers/keys.ts';

const snapshot = snapshotOf(healthyRaw());
const dash = (...keys: string[]) => press({ snapshot }, ...keys);
const rowsOf = (r: ReturnType<typeof dash>) => visibleRows(r.ctx.snapshot, r.ui.dashboard);
const selectedNode = (r: ReturnType<typeof dash>) => rowsOf(r)('nodes').find((x) => x.id === listOf(r.ui.dashboard, 'nodes').id)?.id;

describe('dashboard keys', () => {
  it('moves the selection with j/k and arrows, clamped to the list; g/G jump', () => {
    assert.equal(selectedNode(dash('j', 'down', 'j', 'j')), 'pi3');
    assert.equal(selectedNode(dash('j', 'down', 'k', 'up', 'up')), 'pi1');
    assert.equal(selectedNode(dash('G')), 'pi3');
    assert.equal(selectedNode(dash('G', 'g')), 'pi1');
  });

  it('keeps the selection on the same node when the list changes under it', () => {
    const r = dash('j');
    assert.equal(selectedNode(r), 'pi2');
    const raw = healthyRaw();
    const kube = raw.kube!;
    const more = snapshotOf({ ...raw, kube: { ...kube, nodes: [node('pi0', 'True'), ...kube.nodes] as never } });
    const after = press({ ui: r.ui, snapshot: more }, 'j');
    assert.equal(selectedNode(after), 'pi3', 'j moves on from pi2, wherever pi2 now is');
  });

  it('tab cycles the panes of the overview', () => {
    assert.equal(dash('tab').ui.dashboard.focus, 1);
    assert.equal(dash('tab', 'tab', 'tab').ui.dashboard.focus, 0);
    assert.equal(dash('shift+tab').ui.dashboard.focus, 2);
  });

  it(':volumes then enter opens the selected volume, esc goes back', () => {
    const r = dash(':', 'v', 'o', 'l', 'enter', 'G', 'enter');
    assert.equal(r.ui.dashboard.view, 'volume');
    assert.equal(r.ui.dashboard.target, snapshot.volumes.at(-1)!.name);
    const back = press(r.ctx, 'escape');
    assert.equal(back.ui.dashboard.view, 'volumes');
    assert.equal(press(back.ctx, 'escape').ui.dashboard.view, 'overview');
  });

  it('enter on a component opens its view', () => {
    assert.equal(dash('tab', 'enter').ui.dashboard.view, 'volumes');
  });

  it('the / filter captures every typed key, including q and digits, and filters as it is typed', () => {
    const r = dash('/', 'p', 'i', '2', 'q');
    assert.equal(listOf(r.ui.dashboard, 'nodes').filter, 'pi2q');
    assert.equal(r.ui.quitting, false);
    assert.equal(r.ui.screen, 'dashboard');
    const kept = press(r.ctx, 'backspace', 'enter');
    assert.equal(listOf(kept.ui.dashboard, 'nodes').filter, 'pi2');
    assert.equal(kept.ui.prompt, undefined);
    assert.deepEqual(rowsOf(kept)('nodes').map((x) => x.id), ['pi2']);
    assert.equal(listOf(press(kept.ctx, 'escape').ui.dashboard, 'nodes').filter, undefined);
  });

  it('dashboard keys do nothing while a refusal blocks the screen', () => {
    assert.equal(listOf(press({ snapshot, refused: true }, 'j').ui.dashboard, 'nodes').id, undefined);
  });

  it(':nodes, :vault, :apps, :events reach the dashboard views from any screen', () => {
    for (const view of ['nodes', 'vault', 'apps', 'events'] as const) {
      const r = dash('4', ':', ...view, 'enter');
      assert.equal(r.ui.screen, 'dashboard');
      assert.equal(r.ui.dashboard.view, view);
    }
  });
});
