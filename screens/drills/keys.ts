import type { Binding, Ctx } from '../keys/binding.ts';
import { listBindings, selectedId, type ListAccess } from '../list/list-model.ts';
import { runInHandBindings } from '../runbooks/keys.ts';

export const drills: ListAccess = {
  noun: 'drill',
  get: (ctx) => ctx.ui.drills.list,
  // Moving away from the drill asked about withdraws the question.
  set: (ui, list) => ({ ...ui, drills: { list } }),
  ids: (ctx) => (ctx.desk?.drills ?? []).map((d) => d.id),
};

export const selectedDrill = (ctx: Ctx) => {
  const id = selectedId(drills.get(ctx), drills.ids(ctx));
  return ctx.desk?.drills.find((d) => d.id === id);
};

const PICKER: readonly Binding[] = [
  ...listBindings(drills),
  {
    keys: ['enter'],
    label: 'enter',
    description: 'run the selected drill: the first enter asks to confirm its fault, the second injects it',
    hint: 'run drill',
    dangerous: true,
    when: (ctx) => !!selectedDrill(ctx) || 'no drill',
    run: (ctx) => {
      const drill = selectedDrill(ctx)!;
      if (ctx.ui.drills.confirming !== drill.id) return { ui: { ...ctx.ui, drills: { ...ctx.ui.drills, confirming: drill.id }, message: undefined } };
      return { ui: { ...ctx.ui, drills: { ...ctx.ui.drills, confirming: undefined } }, intents: [{ type: 'drill', id: drill.id }] };
    },
  },
  {
    keys: ['escape'],
    label: 'esc',
    description: 'do not inject',
    hint: 'cancel',
    when: (ctx) => !!ctx.ui.drills.confirming || 'nothing to cancel',
    run: (ctx) => ({ ui: { ...ctx.ui, drills: { ...ctx.ui.drills, confirming: undefined } } }),
  },
];

/** The Drills screen: the drill in hand's walkthrough, else the drills with the selected one's detail. */
export function drillsBindings(ctx: Ctx): readonly Binding[] {
  return ctx.desk?.drill && ctx.desk.run ? runInHandBindings(ctx) : PICKER;
}
