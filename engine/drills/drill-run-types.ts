import type { Store } from '../common/store.ts';
import type { RunbookRun } from '../runbook/runner.ts';
import type { DrillOutcome, ProbeOutcome, TimeToRecover } from '../runbook/run-types.ts';
import type { Section } from '../runbook/types.ts';
import type { Drill } from './drill-types.ts';

export interface DrillView {
  drill: Drill;
  /** `left`: stopped without an outcome, on purpose, for `lab-tui resume` to continue. */
  phase: 'recovering' | 'finishing' | 'finished' | 'left';
  faultAt: string;
  detectedAt?: string;
  acceptedAt?: string;
  acceptance: ProbeOutcome[];
  outcome?: DrillOutcome;
  reason?: string;
  timeToRecover?: TimeToRecover;
  file: string;
}

export interface DrillRun {
  readonly view: Store<DrillView>;
  readonly run: RunbookRun;
  readonly section: Section;
  /** Resolves once the drill has finished, cleaned up and re-checked the steady state (or was left). */
  readonly done: Promise<DrillView>;
  /** Ctrl-C: stops the walkthrough, records the drill as failed (aborted), cleans up. */
  abort(): Promise<DrillView>;
  /** Stops watching without an outcome or cleanup: the fault stays, `lab-tui resume` continues the drill. */
  leave(): Promise<DrillView>;
}
