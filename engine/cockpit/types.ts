import type { DrillDeps } from '../drills/drill-deps.ts';
import type { DrillRecord } from '../drills/drill-record.ts';
import type { Drill } from '../drills/drill-types.ts';
import type { FaultPortsAvailable } from '../drills/inject-fault.ts';
import type { DrillView } from '../drills/run-drill.ts';
import type { Timeline } from '../drills/timeline.ts';
import type { GateName, GateResult } from '../gates/gate-result.ts';
import type { PrTarget } from '../pr/propose-pr.ts';
import type { RunbookEdit } from '../pr/types.ts';
import type { Intent } from '../runbook/runner.ts';
import type { JournalIntegrity } from '../runbook/run-types.ts';
import type { RunView } from '../runbook/run-view.ts';
import type { Runbook, Section } from '../runbook/types.ts';

export interface SectionEntry {
  file: string;
  runbook: string;
  /** The runbook's house-style status line: `🟢 Active`, and its Last Updated date. */
  status?: string;
  lastUpdated?: string;
  section: string;
  title: string;
  steps: number;
  agentSteps: number;
  /** The newest run of this section: when and how it ended (running/interrupted when it has not). */
  lastRun?: { at: string; status: string; runId: string; file: string };
}

export interface DeskState {
  sections: SectionEntry[];
  /** Runbooks that do not parse: shown with their located errors instead of being skipped silently. */
  broken: { file: string; error: string }[];
  run?: RunView;
  /** The section the run follows, for the step's prose, command and checks. */
  section?: Section;
  /** The drill the run belongs to: fault, detection, acceptance, clock. */
  drill?: DrillView;
  /** The drills on offer and every drill run on record (newest first), for the Drills and Evidence screens. */
  drills: Drill[];
  /** Per drill id, how its fault will be injected on this sandbox (or that it has to be done by hand). */
  injection?: Record<string, string>;
  /** Per drill id, how each of its cleanups will be done on this sandbox. */
  cleanupMethods?: Record<string, string[]>;
  evidence: DrillRecord[];
  /** Journals that could not be read whole: shown, never silently dropped. */
  unreadable: { file: string; problem: string }[];
  /** Runbook changes proposed from a finished run, under the operator's review. */
  proposal?: ProposalReview;
  /** The run whose timeline the Evidence screen shows, followed as its journal grows (absent while the first read is pending). */
  timeline?: { run: string; timeline?: Timeline };
  /** The last report written from the Evidence screen: the run's journal and the Markdown file. */
  report?: { run: string; file: string };
  /** The last journal verified from the Evidence screen (`v`): the run's journal and what the check found. */
  verified?: { run: string; runId: string; integrity: JournalIntegrity };
  /** The last result of each fidelity gate, and whether one is running now. */
  gates: GateResult[];
  gateRunning?: GateName;
  /** Why each gate this cockpit cannot run cannot (what to configure); a gate not named here can run. */
  unavailableGates: Partial<Record<GateName, string>>;
  /** The last thing that went wrong (starting or resuming a run, a drill, a gate, a proposal, a report). */
  error?: string;
}

export interface ProposalReview {
  runFile: string;
  runId: string;
  edits: (RunbookEdit & { dropped: boolean })[];
  status: 'review' | 'proposing' | 'done' | 'failed';
  result?: { branch: string; url?: string; existed?: boolean; patch?: string; next?: string };
  error?: string;
}

/** What the screens ask of the engine. */
export type DeskIntent =
  | { type: 'start'; file: string; section: string; from?: string; paranoid?: boolean }
  | { type: 'drill'; id: string; change?: string }
  /** Without `run`, the run in hand; with it (a journal file), that finished run. */
  | { type: 'propose'; run?: string }
  | { type: 'pr-drop'; id: string }
  | { type: 'pr-reword'; id: string; text: string }
  | { type: 'pr-accept' }
  | { type: 'pr-close' }
  /** Shows the timeline of the run whose journal is `run`, live while it grows; without `run`, closes it. */
  | { type: 'timeline'; run?: string }
  /** Writes the report of the drill run whose journal is `run`. */
  | { type: 'report'; run: string }
  /** Checks the hash chain and seal of the journal `run` again, as it is on disk now. */
  | { type: 'verify'; run: string }
  | { type: 'gate'; gate: GateName }
  | { type: 'resume'; file: string }
  /** Leaves the drill in flight without an outcome, for `lab-tui resume` (the cockpit is quitting). */
  | { type: 'leave-drill' }
  | { type: 'dismiss' }
  | Intent;

export interface DeskOptions {
  /** Markdown runbooks: files, or directories whose `*.md` (README.md aside) are runbooks. */
  sources: string[];
  /** Run journals; the evidence directory is its parent (gates, game-days, reports). */
  runsDir: string;
  sandbox: string;
  paranoid?: boolean;
  pollMs?: number;
  /**
   * Drills, when the cockpit may run them: their deps, how to find one with its runbook, and which
   * fault ports this sandbox has (to say beforehand how each fault and cleanup will go).
   */
  drills?: { deps: DrillDeps; list(): Drill[]; find(id: string): { drill: Drill; runbook: Runbook }; ports?: FaultPortsAvailable };
  /** Where runbook PRs go, when the cockpit may propose them. */
  pr?: () => PrTarget;
  /** The gates the cockpit may run, one at a time; results are kept with the evidence. */
  gates?: Partial<Record<GateName, () => Promise<GateResult>>>;
  /** For a gate that cannot run here, why and what to configure (shown instead of running it). */
  unavailableGates?: Partial<Record<GateName, string>>;
}
