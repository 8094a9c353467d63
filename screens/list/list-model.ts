import type { Binding, Ctx, Outcome } from '../keys/binding.ts';
import type { UiState } from '../ui-state.ts';

/**
 * One list model for every list (lazygit's ListController): move, jump, page, filter. The
 * selection is kept by identity, so a row that moves when the list updates stays selected; when
 * it disappears, the selection stays at the same position.
 */
export interface ListState {
  /** Id of the selected row. */
  id?: string;
  /** Its position when it was selected: where the selection stays if the row goes. */
  index: number;
  /** The `/` filter: rows whose text does not contain it are hidden. */
  filter?: string;
}

export const EMPTY_LIST: ListState = { index: 0 };

/** The selected position among `ids` (the rows as shown). */
export function selectedIndex(list: ListState, ids: readonly string[]): number {
  const byId = list.id === undefined ? -1 : ids.indexOf(list.id);
  if (byId !== -1) return byId;
  return Math.max(0, Math.min(list.index, ids.length - 1));
}

export function selectedId(list: ListState, ids: readonly string[]): string | undefined {
  return ids[selectedIndex(list, ids)];
}

export function selectAt(list: ListState, ids: readonly string[], index: number): ListState {
  const i = Math.max(0, Math.min(index, ids.length - 1));
  return { ...list, id: ids[i], index: i };
}

export function selectId(list: ListState, ids: readonly string[], id: string): ListState {
  const i = ids.indexOf(id);
  return i === -1 ? list : { ...list, id, index: i };
}

export function filtered<T>(rows: readonly T[], filter: string | undefined, text: (row: T) => string): T[] {
  if (!filter) return [...rows];
  const f = filter.toLowerCase();
  return rows.filter((r) => text(r).toLowerCase().includes(f));
}

/** Where a list lives in the screen state, and its rows as shown. */
export interface ListAccess {
  /** For `?`: "drill", "gate", "run"… */
  noun: string;
  get(ctx: Ctx): ListState;
  set(ui: UiState, list: ListState): UiState;
  ids(ctx: Ctx): readonly string[];
  /** Rows a page key moves (the list's height on screen). */
  page?: number;
  /** Whether `/` filters this list (it needs a text to match). */
  filter?: boolean;
}

function move(a: ListAccess, to: (index: number, count: number) => number) {
  return (ctx: Ctx): Outcome => {
    const ids = a.ids(ctx);
    const list = a.get(ctx);
    return { ui: { ...a.set(ctx.ui, selectAt(list, ids, to(selectedIndex(list, ids), ids.length))), message: undefined } };
  };
}

/** The keys every list has: j/k and the arrows, g/G (home/end), pgup/pgdn, and `/` when it filters. */
export function listBindings(a: ListAccess): Binding[] {
  const page = a.page ?? 10;
  return [
    { keys: ['j', 'down'], label: 'j/k', description: `next ${a.noun}`, hint: 'move', run: move(a, (i) => i + 1) },
    { keys: ['k', 'up'], label: 'k', description: `previous ${a.noun}`, run: move(a, (i) => i - 1) },
    { keys: ['g', 'home'], label: 'g', description: `first ${a.noun}`, run: move(a, () => 0) },
    { keys: ['G', 'end'], label: 'G', description: `last ${a.noun}`, run: move(a, (_, n) => n - 1) },
    { keys: ['pagedown'], label: 'pgdn', description: 'page down', run: move(a, (i) => i + page) },
    { keys: ['pageup'], label: 'pgup', description: 'page up', run: move(a, (i) => i - page) },
    ...(a.filter
      ? [
          {
            keys: ['/'],
            label: '/',
            description: `filter the ${a.noun}s (enter keeps it, esc clears it)`,
            hint: 'filter',
            run: (ctx: Ctx): Outcome => ({ ui: { ...ctx.ui, message: undefined, prompt: { purpose: 'filter', label: 'filter', text: a.get(ctx).filter ?? '', list: a } } }),
          },
        ]
      : []),
  ];
}
