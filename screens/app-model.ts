import type { SandboxIdentity } from '../engine/common/sandbox-identity.ts';
import type { Store } from '../engine/common/store.ts';
import type { Snapshot } from '../engine/health/types.ts';
import type { DeskIntent, DeskState } from '../engine/cockpit/types.ts';
import type { DoctorView } from './doctor/doctor-view.ts';

/** A refusal by the isolation guard, as the banner shows it. */
export interface RefusalView {
  target: string;
  rule: string;
  reason: string;
  fix: string;
}

/** What the shell renders besides the health snapshot; the engine side owns and updates it. */
export interface AppModel {
  origin: string;
  identity?: SandboxIdentity;
  refusal?: RefusalView;
  /** Arrives once the sandbox passed the guard and the health service started. */
  snapshots?: Store<Snapshot>;
  /** The cockpit's engine side, with the same sandbox. */
  runbooks?: { state: Store<DeskState>; send(intent: DeskIntent): void };
  /** The screen to open on (`lab-tui run` opens the walkthrough). */
  startScreen?: 'runbooks' | 'drills';
  /** A runbook-only game-day is open: the walkthrough and its health strip are all the operator gets. */
  runbookOnly?: boolean;
  /** What is left unfinished can be resumed later: false on the embedded lab-sim, gone once the cockpit quits. */
  resumable?: boolean;
  /** The checks run on start; their screen opens first when one fails. `rerun`: its `r`. */
  doctor?: DoctorView & { rerun(): void };
}
