import type { Store } from '../engine/common/store.ts';
import type { Snapshot } from '../engine/health/types.ts';
import type { DeskIntent, DeskState } from '../engine/cockpit/types.ts';

/** Who the cockpit talks to, as the header shows it (the guard's SandboxIdentity has this shape). */
export interface TargetIdentity {
  name: string;
  context: string;
  server: string;
  vault?: string;
  simulated: boolean;
  /** `real` when child processes get the operator's own home. */
  childHome: 'private' | 'real';
}

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
  identity?: TargetIdentity;
  refusal?: RefusalView;
  /** Arrives once the sandbox passed the guard and the health service started. */
  snapshots?: Store<Snapshot>;
  /** The cockpit's engine side, with the same sandbox. */
  runbooks?: { state: Store<DeskState>; send(intent: DeskIntent): void };
  /** The screen to open on (`lab-tui run` opens the walkthrough). */
  startScreen?: 'runbooks' | 'drills';
  /** A runbook-only game-day is open: the walkthrough and its health strip are all the operator gets. */
  runbookOnly?: boolean;
}
