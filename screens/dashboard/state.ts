import { EMPTY_LIST, type ListState } from '../list/list-model.ts';
import type { Snapshot } from '../../engine/health/types.ts';
import { filterRows, LISTS, VIEW_LISTS, type ListId, type Row, type ViewId } from './views.ts';

export interface DashboardState {
  view: ViewId;
  /** The object a detail view is about (a volume name). */
  target?: string;
  /** Index of the focused list in VIEW_LISTS[view]. */
  focus: number;
  /** Each list's selection and filter. */
  lists: Partial<Record<ListId, ListState>>;
  back: { view: ViewId; target?: string; focus: number }[];
}

export const initialDashboard: DashboardState = { view: 'overview', focus: 0, lists: {}, back: [] };

/** Rows of a list as shown: filtered; keys need them to move and to open. */
export type VisibleRows = (list: ListId) => Row[];

export function focusedList(s: DashboardState): ListId {
  const lists = VIEW_LISTS[s.view];
  return lists[Math.min(s.focus, lists.length - 1)]!;
}

export function listOf(s: DashboardState, list: ListId): ListState {
  return s.lists[list] ?? EMPTY_LIST;
}

export function goTo(s: DashboardState, view: ViewId, target?: string): DashboardState {
  if (view === s.view && target === s.target) return s;
  return { ...s, view, target, focus: 0, back: [...s.back, { view: s.view, target: s.target, focus: s.focus }].slice(-20) };
}

/**
 * The rows of a snapshot as the dashboard shows them now; memoised per snapshot and state, so
 * the frame and every key of a burst share one computation.
 */
export function visibleRows(snapshot: Snapshot | undefined, s: DashboardState): VisibleRows {
  if (!snapshot) return () => [];
  let byState = memo.get(snapshot);
  if (!byState) memo.set(snapshot, (byState = new WeakMap()));
  let rows = byState.get(s);
  if (!rows) byState.set(s, (rows = visibleRowsFor(s, (list) => LISTS[list].rows(snapshot, s.target))));
  return rows;
}

const memo = new WeakMap<Snapshot, WeakMap<DashboardState, VisibleRows>>();

function visibleRowsFor(s: DashboardState, rowsOf: (list: ListId) => Row[]): VisibleRows {
  const cache = new Map<ListId, Row[]>();
  return (list) => {
    if (!cache.has(list)) cache.set(list, filterRows(rowsOf(list), s.lists[list]?.filter));
    return cache.get(list)!;
  };
}
