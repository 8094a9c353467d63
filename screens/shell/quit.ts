import type { DeskState } from '../../engine/cockpit/types.ts';
import type { Binding, Ctx, Outcome } from '../keys/binding.ts';
import type { UiState } from '../ui-state.ts';

/** A drill still recovering or finishing: quitting would end it, so the operator is asked how. */
function drillInFlight(ctx: Ctx): boolean {
  const phase = ctx.desk?.drill?.phase;
  return phase === 'recovering' || phase === 'finishing';
}

/** What q, Ctrl-C and `:q` do: quit at once, or first ask how to leave a drill in flight. */
export function quit(ctx: Ctx, ui: UiState = ctx.ui): Outcome {
  if (!drillInFlight(ctx)) return { ui: { ...ui, quitting: true } };
  return { ui: { ...ui, quitAsked: true, message: undefined } };
}

/** The question the hint bar asks while the operator decides, its keys after it. */
export function quitQuestion(ui: UiState, desk: DeskState | undefined): string | undefined {
  return ui.quitAsked && desk?.drill ? `drill ${desk.drill.drill.id} is running: abort it, or leave it for later?` : undefined;
}

const answered = (ui: UiState): UiState => ({ ...ui, quitAsked: false, message: undefined });

/** While the quit question is open: nothing else acts. */
export const QUIT_BINDINGS: readonly Binding[] = [
  { keys: ['a', 'ctrl+c'], label: 'a', description: 'abort the drill and quit: it is recorded failed (aborted by the operator) and its cleanup runs', hint: 'abort and quit', run: (ctx) => ({ ui: { ...answered(ctx.ui), quitting: true } }) },
  {
    keys: ['l'],
    label: 'l',
    description: 'leave the drill without an outcome and quit: the fault stays in, `lab-tui resume` takes the drill up',
    hint: 'leave it, resume later',
    when: (ctx) => ctx.resumable || 'the embedded lab-sim is gone once the cockpit quits: nothing could resume the drill',
    run: (ctx) => ({ ui: { ...answered(ctx.ui), quitting: true }, intents: [{ type: 'leave-drill' }] }),
  },
  { keys: ['escape'], label: 'esc', description: 'stay in the cockpit, the drill going on', hint: 'stay', run: (ctx) => ({ ui: answered(ctx.ui) }) },
];
