import type { DrillRecord } from '../../engine/drills/drill-record.ts';
import type { DeskState } from '../../engine/cockpit/types.ts';
import type { Binding, Ctx } from '../keys/binding.ts';
import { send } from '../keys/binding.ts';
import { EMPTY_LIST, filtered, listBindings, selectedId, type ListAccess } from '../list/list-model.ts';
import type { UiState } from '../ui-state.ts';

/** Per drill (in the catalogue's order), its runs newest first: the rows of the Evidence screen. */
export function evidenceRuns(desk: DeskState | undefined): DrillRecord[] {
  if (!desk) return [];
  const order = [...new Set([...desk.drills.map((d) => d.id), ...desk.evidence.map((r) => r.drill)])];
  return order.flatMap((id) => desk.evidence.filter((r) => r.drill === id));
}

/** The runs as shown: the `/` filter matches drill, outcome and start time. */
export function evidenceRows(desk: DeskState | undefined, filter: string | undefined): DrillRecord[] {
  return filtered(evidenceRuns(desk), filter, (r) => `${r.drill} ${r.outcome} ${r.startedAt}`);
}

export const runs: ListAccess = {
  noun: 'run',
  get: (ctx) => ctx.ui.evidence.list,
  set: (ui, list) => ({ ...ui, evidence: { ...ui.evidence, list } }),
  ids: (ctx) => evidenceRows(ctx.desk, ctx.ui.evidence.list.filter).map((r) => r.journal),
  filter: true,
};

/** The run the keys act on: the open timeline's, else the selected row's. */
export function evidenceRun(ctx: Ctx): DrillRecord | undefined {
  const file = ctx.ui.evidence.open ?? selectedId(runs.get(ctx), runs.ids(ctx));
  return ctx.desk?.evidence.find((r) => r.journal === file);
}

const PAGE = 10;
const withEvidence = (ui: UiState, e: Partial<UiState['evidence']>): UiState => ({ ...ui, evidence: { ...ui.evidence, ...e }, message: undefined });

const onRun: Binding[] = [
  {
    keys: ['p'],
    label: 'p',
    description: "propose the run's runbook changes (its improvised and failed steps) as a draft PR",
    hint: 'propose PR',
    when: (ctx) => {
      const r = evidenceRun(ctx);
      if (!r) return 'no run';
      return r.improvised.length > 0 || r.failedSteps.length > 0 || 'nothing to propose: the run followed its runbook';
    },
    run: (ctx) => ({ ui: { ...ctx.ui, proposal: { list: EMPTY_LIST }, message: undefined }, intents: [{ type: 'propose', run: evidenceRun(ctx)!.journal }] }),
  },
  { keys: ['r'], label: 'r', description: "write the run's report (Markdown, with its timeline)", hint: 'report', when: (ctx) => !!evidenceRun(ctx) || 'no run', run: send((ctx) => ({ type: 'report', run: evidenceRun(ctx)!.journal })) },
  { keys: ['v'], label: 'v', description: "verify the run's journal: its hash chain and seal, as the file is now", hint: 'verify', when: (ctx) => !!evidenceRun(ctx) || 'no run', run: send((ctx) => ({ type: 'verify', run: evidenceRun(ctx)!.journal })) },
];

const LIST: readonly Binding[] = [
  ...listBindings(runs),
  {
    keys: ['enter'],
    label: 'enter',
    description: "open the run's timeline (a running drill's grows live)",
    hint: 'timeline',
    when: (ctx) => !!evidenceRun(ctx) || 'no run',
    run: (ctx) => {
      const run = evidenceRun(ctx)!.journal;
      return { ui: withEvidence(ctx.ui, { open: run, scroll: 0 }), intents: [{ type: 'timeline', run }] };
    },
  },
  ...onRun,
];

const scroll = (by: number) => (ctx: Ctx) => ({ ui: withEvidence(ctx.ui, { scroll: Math.max(0, ctx.ui.evidence.scroll + by) }) });

const TIMELINE: readonly Binding[] = [
  { keys: ['escape'], label: 'esc', description: 'back to the runs', hint: 'back', run: (ctx) => ({ ui: withEvidence(ctx.ui, { open: undefined, scroll: 0 }), intents: [{ type: 'timeline' }] }) },
  { keys: ['j', 'down'], label: 'j/k', description: 'scroll down', hint: 'scroll', run: scroll(1) },
  { keys: ['k', 'up'], label: 'k', description: 'scroll up', run: scroll(-1) },
  { keys: ['pagedown'], label: 'pgdn', description: 'page down', run: scroll(PAGE) },
  { keys: ['pageup'], label: 'pgup', description: 'page up', run: scroll(-PAGE) },
  ...onRun,
];

/** The Evidence screen: the runs, or one run's timeline. */
export function evidenceBindings(ctx: Ctx): readonly Binding[] {
  return ctx.ui.evidence.open ? TIMELINE : LIST;
}
