import type { Binding, Ctx } from '../keys/binding.ts';
import { send } from '../keys/binding.ts';
import { EMPTY_LIST, listBindings, selectedId, type ListAccess } from '../list/list-model.ts';

const changes: ListAccess = {
  noun: 'change',
  get: (ctx) => ctx.ui.proposal.list,
  set: (ui, list) => ({ ...ui, proposal: { list } }),
  ids: (ctx) => ctx.desk?.proposal?.edits.map((e) => e.id) ?? [],
};

const selected = (ctx: Ctx) => selectedId(changes.get(ctx), changes.ids(ctx));
const hasChange = (ctx: Ctx) => !!selected(ctx) || 'no change to act on';

/** Reviewing the runbook changes proposed from a run, before anything is pushed. */
export const PROPOSAL_BINDINGS: readonly Binding[] = [
  ...listBindings(changes),
  { keys: ['e'], label: 'e', description: 'reword the selected change', hint: 'edit', when: hasChange, run: (ctx) => ({ ui: { ...ctx.ui, prompt: { purpose: 'reword', label: `new wording for ${selected(ctx)}`, text: '', change: selected(ctx)! } } }) },
  { keys: ['d'], label: 'd', description: 'drop (or keep again) the selected change', hint: 'drop', when: hasChange, run: send((ctx) => ({ type: 'pr-drop', id: selected(ctx)! })) },
  {
    keys: ['enter'],
    label: 'enter',
    description: 'accept: branch, commit, push and open the draft PR',
    hint: 'accept all',
    dangerous: true,
    when: (ctx) => ctx.desk?.proposal?.status !== 'proposing' || 'the PR is being proposed',
    run: send({ type: 'pr-accept' }),
  },
  { keys: ['escape'], label: 'esc', description: 'close without proposing', hint: 'close', run: (ctx) => ({ ui: { ...ctx.ui, proposal: { list: EMPTY_LIST } }, intents: [{ type: 'pr-close' }] }) },
];
