import type { Binding, Ctx } from '../keys/binding.ts';
import { listBindings, selectedIndex, type ListAccess } from '../list/list-model.ts';
import type { UiState } from '../ui-state.ts';
import { focusedList, goTo, listOf, visibleRows, type DashboardState } from './state.ts';
import { LISTS, VIEW_LISTS } from './views.ts';

const dash = (ui: UiState, d: DashboardState): UiState => ({ ...ui, dashboard: d, message: undefined });

/** The focused list, as the list model reaches it. */
const focused: ListAccess = {
  noun: 'row',
  get: (ctx) => listOf(ctx.ui.dashboard, focusedList(ctx.ui.dashboard)),
  set: (ui, list) => dash(ui, { ...ui.dashboard, lists: { ...ui.dashboard.lists, [focusedList(ui.dashboard)]: list } }),
  ids: (ctx) => visibleRows(ctx.snapshot, ctx.ui.dashboard)(focusedList(ctx.ui.dashboard)).map((r) => r.id),
  filter: true,
};

function openTarget(ctx: Ctx) {
  const d = ctx.ui.dashboard;
  const id = focusedList(d);
  const rows = visibleRows(ctx.snapshot, d)(id);
  const row = rows[selectedIndex(listOf(d, id), rows.map((r) => r.id))];
  return row && LISTS[id].open?.(row);
}

/** The dashboard's keys (k9s/lazygit conventions). */
export function dashboardBindings(ctx: Ctx): Binding[] {
  const d = ctx.ui.dashboard;
  const panes = VIEW_LISTS[d.view].length;
  return [
    ...listBindings(focused),
    {
      keys: ['tab'],
      label: 'tab',
      description: 'next pane',
      hint: 'pane',
      when: () => panes > 1 || 'this view has one pane',
      run: (c) => ({ ui: dash(c.ui, { ...d, focus: (d.focus + 1) % panes }) }),
    },
    { keys: ['shift+tab'], label: 'shift+tab', description: 'previous pane', when: () => panes > 1 || 'this view has one pane', run: (c) => ({ ui: dash(c.ui, { ...d, focus: (d.focus + panes - 1) % panes }) }) },
    {
      keys: ['enter'],
      label: 'enter',
      description: 'open the selected row',
      hint: 'open',
      when: (c) => !!openTarget(c) || 'nothing to open from this row',
      run: (c) => {
        const dest = openTarget(c)!;
        return { ui: dash(c.ui, goTo(d, dest.view, dest.target)) };
      },
    },
    {
      keys: ['escape'],
      label: 'esc',
      description: 'clear the filter, or go back',
      hint: 'back',
      when: () => !!listOf(d, focusedList(d)).filter || d.view !== 'overview' || 'already on the overview',
      run: (c) => {
        const list = focusedList(d);
        if (listOf(d, list).filter) return { ui: dash(c.ui, { ...d, lists: { ...d.lists, [list]: { ...listOf(d, list), filter: undefined } } }) };
        const prev = d.back.at(-1);
        return { ui: dash(c.ui, prev ? { ...d, ...prev, back: d.back.slice(0, -1) } : { ...d, view: 'overview', target: undefined, focus: 0 }) };
      },
    },
  ];
}
