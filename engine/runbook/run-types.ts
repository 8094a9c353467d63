/**
 * The run journal: one JSON object per line, appended and fsynced before the screen shows the
 * transition. Evidence, resumption, runbook PRs and the promotion gate read it. Field names follow
 * chaostoolkit's journal where they overlap (start/end/duration/status/output).
 */
export type StepOutcome = 'done' | 'failed' | 'skipped' | 'aborted';

interface Base {
  /** 1-based, consecutive: a gap or a repeat means the journal was tampered with. */
  seq: number;
  /** ISO time. */
  at: string;
  /** sha256 (hex) of the previous line's bytes; the first record's is that of its run id (engine/runbook/journal-chain.ts). */
  prev?: string;
}

export type JournalRecord =
  /** `childEnv`: what the run's child processes saw of the operator's environment (home `real` is the escape hatch). */
  | (Base & { type: 'run-started'; runId: string; runbook: string; digest: string; section: string; /** The section's own digest (Section.digest); absent in journals written before it was recorded. */ sectionDigest?: string; sectionTitle: string; steps: { id: string; kind: 'AGENT' | 'HUMAN'; title: string }[]; mode: { paranoid: boolean; from?: string }; sandbox: string; operator: string; childEnv?: { home: 'private' | 'real'; pass: string[] } })
  | (Base & { type: 'run-resumed'; atStep: string })
  /** lab-tui took a drill up again after it stopped: `gapMs` since the last record before this one, while nobody watched. */
  | (Base & { type: 'drill-resumed'; gapMs: number })
  | (Base & { type: 'step-started'; step: string; kind: 'AGENT' | 'HUMAN'; title: string })
  /** A precondition did not hold: the step did not start. */
  | (Base & { type: 'requires-failed'; step: string; probe: string; detail: string })
  /** The isolation guard refused a command of the step (its `sh`, or a `verify`/`requires` probe): the step did not start. */
  | (Base & { type: 'command-refused'; step: string; rule: string; reason: string; line: number })
  /** The operator edited the runbook while the run waited; the run follows the new text from here. */
  | (Base & { type: 'runbook-reloaded'; step: string; digest: string })
  /** What the step ran: the command (secrets redacted) or the action and its parameters. */
  | (Base & { type: 'step-action'; step: string; command?: string; action?: string; params?: Record<string, unknown> })
  /** The step's command runs as process group `pid` (`startTime`: its /proc start time, to know it again). */
  | (Base & { type: 'process-started'; step: string; pid: number; startTime?: string })
  /** A digest of an output chunk: its redacted text (at most 500 characters shown) with the sha256 and byte count of the whole redacted chunk. */
  | (Base & { type: 'output'; step: string; stream: 'stdout' | 'stderr'; text: string; bytes: number; sha256: string })
  | (Base & { type: 'verified'; step: string; probe: string; ok: boolean; detail: string; durationMs: number })
  | (Base & { type: 'step-finished'; step: string; status: StepOutcome; durationMs: number; exitCode?: number; reason?: string; note?: string })
  /** Something the operator did that the runbook does not say: the seed of a runbook PR. */
  | (Base & { type: 'improvised'; step: string; text: string; command?: string })
  /** The improvised command's end (an improvisation without a command has none). */
  | (Base & { type: 'improvised-finished'; step: string; status: 'ok' | 'failed' | 'timed-out' | 'aborted' | 'refused'; exitCode?: number; durationMs: number; reason?: string })
  | (Base & { type: 'run-finished'; status: 'passed' | 'failed' | 'aborted'; durationMs: number })
  // A drill's records share its run's journal: one file per run is the whole evidence.
  | (Base & { type: 'drill-started'; drill: string; title: string; changeClass: string; change?: string; gameday?: string; parityOverride?: string; autopilot: boolean; simulated?: boolean; timeLimitMs: number; versions: Record<string, string> })
  | (Base & { type: 'steady-state'; when: 'before' | 'after'; ok: boolean; probes: ProbeOutcome[] })
  | (Base & { type: 'fault-injected'; kind: string; target?: string; detail: string; phase?: string })
  /** The first acceptance probe seen failing after the fault: detection time. */
  | (Base & { type: 'symptom-detected'; probe: string; detail: string })
  /** An operator-watched fact changed while the drill ran (`subject`: `node/pi2`, `vault`, `volume/…`, `app/…`, `source/…`). */
  | (Base & { type: 'health-transition'; subject: string; from: string; to: string })
  /** Every acceptance probe holds: the clock stops. */
  | (Base & { type: 'acceptance-met'; probes: ProbeOutcome[] })
  | (Base & { type: 'cleanup'; kind: string; target?: string; ok: boolean; detail: string })
  /** The draft runbook pull request proposed from this run's improvisations. */
  | (Base & { type: 'pr-proposed'; branch: string; commit?: string; url?: string; number?: number; patch?: string })
  /** The end of a finished run: `digest` is the sha256 of every byte before this line. Records added later (a PR proposed) are sealed again. */
  | (Base & { type: 'journal-sealed'; digest: string })
  | (Base & { type: 'drill-finished'; outcome: DrillOutcome; reason: string; timeToRecover?: TimeToRecover; failedSteps: string[]; skippedSteps: string[]; improvised: string[] });

/** `interrupted`: lab-tui stopped mid-drill and the drill could not be followed to its end (the reason says why). */
export type DrillOutcome = 'passed' | 'passed-with-improvisation' | 'failed' | 'interrupted';

export interface ProbeOutcome {
  probe: string;
  ok: boolean;
  detail: string;
}

/** Fault to acceptance, and where the time went. */
export interface TimeToRecover {
  totalMs: number;
  /** Of the total, the time lab-tui was down before a resume (counted: the sandbox was still broken). */
  downMs?: number;
  /** Fault to the first symptom lab-tui saw. */
  detectionMs?: number;
  /** Operator time on [HUMAN] steps. */
  humanMs: number;
  /** Engine time running [AGENT] steps' actions and commands. */
  agentMs: number;
  /** Time spent waiting for verify probes to hold. */
  verifyMs: number;
}

export type JournalRecordType = JournalRecord['type'];

/** The record shapes without the fields the journal assigns. */
export type NewRecord = JournalRecord extends infer R ? (R extends JournalRecord ? Omit<R, 'seq' | 'at' | 'prev'> : never) : never;

/**
 * What checking a journal's hash chain found: `valid` (every record chained, sealed or still being
 * written; `tornLines`: lines cut short by a crash, tolerated), `invalid` (a record edited,
 * removed, inserted or reordered: the first line where the chain breaks), `unverifiable` (written
 * before journals were hashed). Only a valid, sealed journal can open the gate.
 */
export type JournalIntegrity =
  | { status: 'valid'; sealed: boolean; tornLines: number[] }
  | { status: 'invalid'; line: number; reason: string }
  | { status: 'unverifiable'; reason: string };
