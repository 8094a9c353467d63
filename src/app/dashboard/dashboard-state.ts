import { findBinding } from '../keymap.ts';
import { DASHBOARD_BINDINGS } from './dashboard-keys.ts';
import { filterRows, LISTS, VIEW_LISTS, type ListId, type Row, type ViewId } from './views.ts';

export interface DashboardState {
  view: ViewId;
  /** The object a detail view is about (a volume name). */
  target?: string;
  /** Index of the focused list in VIEW_LISTS[view]. */
  focus: number;
  selected: Partial<Record<ListId, number>>;
  filters: Partial<Record<ListId, string>>;
  /** The list whose `/` filter is being typed. */
  filtering?: ListId;
  back: { view: ViewId; target?: string; focus: number }[];
}

export const initialDashboard: DashboardState = { view: 'overview', focus: 0, selected: {}, filters: {}, back: [] };

/** Rows of a list as shown: filtered; the key reducer needs them to clamp and to open. */
export type VisibleRows = (list: ListId) => Row[];

export function focusedList(s: DashboardState): ListId {
  const lists = VIEW_LISTS[s.view];
  return lists[Math.min(s.focus, lists.length - 1)]!;
}

export function selectedIndex(s: DashboardState, list: ListId, count: number): number {
  return Math.max(0, Math.min(s.selected[list] ?? 0, count - 1));
}

export function goTo(s: DashboardState, view: ViewId, target?: string): DashboardState {
  if (view === s.view && target === s.target) return s;
  return { ...s, view, target, focus: 0, filtering: undefined, back: [...s.back, { view: s.view, target: s.target, focus: s.focus }].slice(-20) };
}

/** Dashboard keys; returns undefined when the key is not the dashboard's, so global bindings apply. */
export function dashboardKey(s: DashboardState, name: string, visible: VisibleRows): DashboardState | undefined {
  const list = focusedList(s);
  if (s.filtering) {
    const current = s.filters[s.filtering] ?? '';
    if (name === 'enter') return { ...s, filtering: undefined };
    if (name === 'escape') return { ...s, filtering: undefined, filters: { ...s.filters, [s.filtering]: undefined } };
    if (name === 'backspace') return { ...s, filters: { ...s.filters, [s.filtering]: current.slice(0, -1) } };
    if (name.length === 1) return { ...s, filters: { ...s.filters, [s.filtering]: current + name }, selected: { ...s.selected, [s.filtering]: 0 } };
    return s;
  }
  const rows = visible(list);
  const move = (delta: number) => ({ ...s, selected: { ...s.selected, [list]: Math.max(0, Math.min(selectedIndex(s, list, rows.length) + delta, rows.length - 1)) } });
  const n = VIEW_LISTS[s.view].length;
  switch (findBinding(DASHBOARD_BINDINGS, name)?.action) {
    case 'down':
      return move(1);
    case 'up':
      return move(-1);
    case 'pagedown':
      return move(10);
    case 'pageup':
      return move(-10);
    case 'top':
      return move(-rows.length);
    case 'bottom':
      return move(rows.length);
    case 'next-pane':
      return { ...s, focus: (s.focus + 1) % n };
    case 'prev-pane':
      return { ...s, focus: (s.focus + n - 1) % n };
    case 'filter':
      return { ...s, filtering: list, filters: { ...s.filters, [list]: s.filters[list] ?? '' } };
    case 'open': {
      const row = rows[selectedIndex(s, list, rows.length)];
      const dest = row && LISTS[list].open?.(row);
      return dest ? goTo(s, dest.view, dest.target) : s;
    }
    case 'back': {
      if (s.filters[list]) return { ...s, filters: { ...s.filters, [list]: undefined } };
      const prev = s.back.at(-1);
      if (!prev) return s.view === 'overview' ? s : { ...s, view: 'overview', target: undefined, focus: 0 };
      return { ...s, ...prev, back: s.back.slice(0, -1) };
    }
    case undefined:
      return undefined;
  }
}

export function visibleRowsFor(s: DashboardState, rowsOf: (list: ListId) => Row[]): VisibleRows {
  const cache = new Map<ListId, Row[]>();
  return (list) => {
    if (!cache.has(list)) cache.set(list, filterRows(rowsOf(list), s.filters[list]));
    return cache.get(list)!;
  };
}
