import type { Snapshot } from '../../engine/health/types.ts';
import type { DeskIntent, DeskState } from '../../engine/cockpit/types.ts';
import type { DoctorView } from '../../screens/doctor/doctor-view.ts';
import { dispatchKeys } from '../../screens/dispatch.ts';
import type { Ctx } from '../../screens/keys/binding.ts';
import { initialUi, type UiState } from '../../screens/ui-state.ts';

export interface KeyWorld {
  ui?: Partial<UiState>;
  desk?: DeskState;
  snapshot?: Snapshot;
  refused?: boolean;
  runbookOnly?: boolean;
  doctor?: DoctorView;
}

/** What a key sees, built as the App builds it. */
export function ctxOf(w: KeyWorld): Ctx {
  return { ui: { ...initialUi, ...w.ui }, desk: w.desk, snapshot: w.snapshot, refused: !!w.refused, runbookOnly: !!w.runbookOnly, doctor: w.doctor };
}

const isCtx = (w: KeyWorld | Ctx): w is Ctx => typeof w.refused === 'boolean' && typeof w.runbookOnly === 'boolean' && !!w.ui && 'dashboard' in w.ui;

/** Presses keys as one burst through the dispatcher: the final screen state and every intent, in order. */
export function press(w: KeyWorld | Ctx, ...keys: string[]): { ui: UiState; intents: DeskIntent[]; ctx: Ctx } {
  const ctx = isCtx(w) ? w : ctxOf(w);
  const out = dispatchKeys(ctx, keys);
  return { ui: out.ui, intents: out.intents ?? [], ctx: { ...ctx, ui: out.ui } };
}
