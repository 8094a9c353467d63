import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appReducer, initialApp, type AppState } from '../../src/app/app-reducer.ts';
import type { Row } from '../../src/app/dashboard/views.ts';

const rows = (...ids: string[]): Row[] => ids.map((id) => ({ id, cells: [id] }));
const DATA: Record<string, Row[]> = {
  nodes: rows('pi1', 'pi2', 'pi3'),
  components: rows('longhorn', 'vault', 'vso'),
  events: rows('e1'),
  volumes: rows('backups-rwx', 'pvc-erp-data'),
};
const visible = (list: string) => {
  const all = DATA[list] ?? [];
  return all;
};
const press = (state: AppState, ...names: string[]) => names.reduce((s, name) => appReducer(s, { type: 'key', name, visible }), state);

describe('dashboard keys', () => {
  it('moves the selection with j/k and arrows, clamped to the list', () => {
    const s = press(initialApp, 'j', 'down', 'j', 'j');
    assert.equal(s.dashboard.selected.nodes, 2);
    assert.equal(press(s, 'k', 'up', 'up').dashboard.selected.nodes, 0);
  });

  it('tab cycles the panes of the overview', () => {
    assert.equal(press(initialApp, 'tab').dashboard.focus, 1);
    assert.equal(press(initialApp, 'tab', 'tab', 'tab').dashboard.focus, 0);
    assert.equal(press(initialApp, 'shift+tab').dashboard.focus, 2);
  });

  it(':volumes then enter opens the selected volume, esc goes back', () => {
    const s = press(initialApp, ':', 'v', 'o', 'l', 'enter', 'j', 'enter');
    assert.equal(s.dashboard.view, 'volume');
    assert.equal(s.dashboard.target, 'pvc-erp-data');
    const back = press(s, 'escape');
    assert.equal(back.dashboard.view, 'volumes');
    assert.equal(press(back, 'escape').dashboard.view, 'overview');
  });

  it('enter on a component opens its view', () => {
    const s = press(initialApp, 'tab', 'enter');
    assert.equal(s.dashboard.view, 'volumes');
  });

  it('the / filter captures every typed key, including q and digits', () => {
    const s = press(initialApp, '/', 'p', 'i', '2', 'q');
    assert.equal(s.dashboard.filters.nodes, 'pi2q');
    assert.equal(s.shell.quitting, false);
    assert.equal(s.shell.screen, 'dashboard');
    const kept = press(s, 'backspace', 'enter');
    assert.equal(kept.dashboard.filters.nodes, 'pi2');
    assert.equal(kept.dashboard.filtering, undefined);
    assert.equal(press(kept, 'escape').dashboard.filters.nodes, undefined);
  });

  it('dashboard keys do nothing while a refusal blocks the screen', () => {
    const s = appReducer(initialApp, { type: 'key', name: 'j', visible, blocked: true });
    assert.equal(s.dashboard.selected.nodes, undefined);
  });

  it(':nodes, :vault, :apps, :events reach the dashboard views from any screen', () => {
    for (const view of ['nodes', 'vault', 'apps', 'events'] as const) {
      const s = press(press(initialApp, '4'), ':', ...view, 'enter');
      assert.equal(s.shell.screen, 'dashboard');
      assert.equal(s.dashboard.view, view);
    }
  });
});
