import type { Binding, Ctx } from '../keys/binding.ts';
import { send } from '../keys/binding.ts';
import { listBindings, selectedId, type ListAccess } from '../list/list-model.ts';
import { PROPOSAL_BINDINGS } from '../proposal/keys.ts';
import { walkthroughBindings } from './walkthrough-keys.ts';

const sectionId = (s: { file: string; section: string }) => `${s.file}#${s.section}`;

export const procedures: ListAccess = {
  noun: 'procedure',
  get: (ctx) => ctx.ui.runbooks.list,
  set: (ui, list) => ({ ...ui, runbooks: { list } }),
  ids: (ctx) => (ctx.desk?.sections ?? []).map(sectionId),
};

const entry = (ctx: Ctx) => {
  const id = selectedId(procedures.get(ctx), procedures.ids(ctx));
  return ctx.desk?.sections.find((s) => sectionId(s) === id);
};

const PICKER: readonly Binding[] = [
  ...listBindings(procedures),
  { keys: ['enter'], label: 'enter', description: 'start a run of the selected procedure', hint: 'run', when: (ctx) => !!entry(ctx) || 'no procedure', run: send((ctx) => ({ type: 'start', file: entry(ctx)!.file, section: entry(ctx)!.section })) },
  {
    keys: ['R'],
    label: 'R',
    description: "resume the selected procedure's interrupted run",
    hint: 'resume',
    when: (ctx) => entry(ctx)?.lastRun?.status === 'interrupted' || 'no interrupted run of this procedure to resume',
    run: send((ctx) => ({ type: 'resume', file: entry(ctx)!.lastRun!.file })),
  },
];

/** A run in hand (a runbook run, or a drill's): its proposal under review, else its walkthrough. */
export function runInHandBindings(ctx: Ctx): readonly Binding[] {
  const desk = ctx.desk!;
  return desk.proposal ? PROPOSAL_BINDINGS : walkthroughBindings(desk.run!.phase, desk);
}

/** The Runbooks screen: the walkthrough while a run is in hand, the procedures otherwise. */
export function runbooksBindings(ctx: Ctx): readonly Binding[] {
  return ctx.desk?.run ? runInHandBindings(ctx) : PICKER;
}
