import type { Snapshot } from '../../engine/health/types.ts';
import type { DeskIntent, DeskState } from '../../engine/cockpit/types.ts';
import type { DoctorView } from '../doctor/doctor-view.ts';
import type { UiState } from '../ui-state.ts';

/** What a key sees: the screen's own state and what the engine shows. */
export interface Ctx {
  ui: UiState;
  desk?: DeskState;
  snapshot?: Snapshot;
  /** A refusal by the guard is on screen: only the global keys work. */
  refused: boolean;
  /** A runbook-only game-day: the walkthrough is all the operator gets. */
  runbookOnly: boolean;
  /** The doctor the cockpit ran on start. */
  doctor?: DoctorView;
  /** What is left unfinished can be resumed later (not on the embedded lab-sim). */
  resumable?: boolean;
}

/** What a key did: the new screen state, and what it asks of the engine, in order. */
export interface Outcome {
  ui: UiState;
  intents?: DeskIntent[];
  /** Run the doctor's checks again (its screen's `r`). */
  rerunDoctor?: boolean;
}

/**
 * A key binding that carries its action: the dispatcher runs it, the hint bar and the `?`
 * overlay list it, and the walkthrough's inline key text is built from it, all from one table.
 */
export interface Binding {
  /** Key names (see key-names.ts); `*` is any single printable character. */
  keys: string[];
  /** How the key is written for the operator: `enter`, `j/k`, `G`. */
  label: string;
  description: string;
  /** A word or two for the always-visible hint bar; without one the binding shows only in `?`. */
  hint?: string;
  /** Also named where the screen says what it waits for (the walkthrough's phase line). */
  inline?: boolean;
  /** Acts on the sandbox (injects a fault, kills a process group): shown in red. */
  dangerous?: boolean;
  /** Enabled (`true`), or why not: a disabled key says so instead of doing nothing. */
  when?(ctx: Ctx): true | string;
  run(ctx: Ctx, key: string): Outcome;
}

/** Sends one intent, leaving the screen as it is (a message cleared). */
export const send =
  (intent: DeskIntent | ((ctx: Ctx) => DeskIntent)) =>
  (ctx: Ctx): Outcome => ({ ui: { ...ctx.ui, message: undefined }, intents: [typeof intent === 'function' ? intent(ctx) : intent] });

export function enabled(b: Binding, ctx: Ctx): true | string {
  return b.when ? b.when(ctx) : true;
}
