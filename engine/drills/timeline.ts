import type { StepStatus } from '../runbook/run-view.ts';
import type { DrillOutcome, JournalRecord, TimeToRecover } from '../runbook/run-types.ts';

type Rec<T extends JournalRecord['type']> = Extract<JournalRecord, { type: T }>;

export interface TimelineStep {
  id: string;
  /** 1-based, as the walkthrough numbers it. */
  number: number;
  title: string;
  kind: 'AGENT' | 'HUMAN';
  who: 'engine' | 'operator';
  /** When the first attempt started; absent for a step that never started (skipped while blocked, not reached). */
  start?: string;
  /**
   * From the first attempt's start to the last attempt's end, retries included, so the step's bar
   * ends where its outcome was recorded; absent while it runs.
   */
  durationMs?: number;
  attempts: number;
  outcome: StepStatus;
  /** Why it failed or was skipped. */
  reason?: string;
  /** The operator's note on a failed [HUMAN] step. */
  note?: string;
}

export interface TimelineImprovised {
  at: string;
  /** The step in hand when the operator improvised. */
  step: string;
  text: string;
  command?: string;
  /** The command's end (`ok`, `failed (exit 2)`, `refused`…); absent without a command or while it runs. */
  status?: string;
}

/** What a run left in its journal, in time order: what the report charts and `lab-tui watch` shows. */
export interface Timeline {
  runId: string;
  startedAt: string;
  /** The time of the newest record: where a running timeline stops for now. */
  lastAt: string;
  drill?: { id: string; title: string };
  fault?: { at: string; kind: string; target?: string; detail: string };
  detection?: { at: string; probe: string; detail: string };
  steps: TimelineStep[];
  improvised: TimelineImprovised[];
  health: { at: string; subject: string; from: string; to: string }[];
  acceptance?: { at: string };
  cleanup: { at: string; kind: string; target?: string; ok: boolean; detail: string }[];
  /** A drill's outcome, or a plain run's status; absent while running. */
  outcome?: DrillOutcome | 'aborted';
  reason?: string;
  /** As the drill-finished record has it (detection, operator, engine, verification). */
  timeToRecover?: TimeToRecover;
  /** A drill without drill-finished, or a run without run-finished, yet. */
  running: boolean;
}

function stepsOf(started: Rec<'run-started'>, records: JournalRecord[]): TimelineStep[] {
  // Steps before --from were not part of the run.
  const from = started.mode.from ? Math.max(0, started.steps.findIndex((s) => s.id === started.mode.from)) : 0;
  return started.steps.map((s, i): TimelineStep => {
    const mine = records.filter((r): r is Rec<'step-started'> | Rec<'step-finished'> => (r.type === 'step-started' || r.type === 'step-finished') && r.step === s.id);
    const starts = mine.filter((r) => r.type === 'step-started');
    const last = mine.at(-1);
    const base = { id: s.id, number: i + 1, title: starts.at(-1)?.title ?? s.title, kind: s.kind, who: s.kind === 'AGENT' ? ('engine' as const) : ('operator' as const), attempts: starts.length };
    if (!last) return { ...base, outcome: i < from ? 'skipped' : 'pending', ...(i < from ? { reason: 'not run: the run started --from a later step' } : {}) };
    const start = starts[0]?.at;
    if (last.type === 'step-started') return { ...base, start: start!, outcome: 'running' };
    return {
      ...base,
      ...(start !== undefined ? { start, durationMs: Date.parse(last.at) - Date.parse(start) } : {}),
      outcome: last.status,
      ...(last.reason !== undefined ? { reason: last.reason } : {}),
      ...(last.note !== undefined ? { note: last.note } : {}),
    };
  });
}

function improvisedOf(records: JournalRecord[]): TimelineImprovised[] {
  const out: TimelineImprovised[] = [];
  for (const r of records) {
    if (r.type === 'improvised') out.push({ at: r.at, step: r.step, text: r.text, ...(r.command !== undefined ? { command: r.command } : {}) });
    if (r.type !== 'improvised-finished') continue;
    // The end belongs to the step's newest improvised command still without one (as the walkthrough pairs them).
    const open = out.findLastIndex((x) => x.step === r.step && x.command !== undefined && x.status === undefined);
    if (open !== -1) out[open] = { ...out[open]!, status: r.exitCode === undefined ? r.status : `${r.status} (exit ${r.exitCode})` };
  }
  return out;
}

/** The timeline a journal implies, finished or not (a running drill's journal so far); undefined without run-started. */
export function buildTimeline(records: JournalRecord[]): Timeline | undefined {
  const started = records.find((r): r is Rec<'run-started'> => r.type === 'run-started');
  if (!started) return undefined;
  const first = <T extends JournalRecord['type']>(t: T) => records.find((r): r is Rec<T> => r.type === t);
  const drill = first('drill-started');
  const fault = first('fault-injected');
  const detection = first('symptom-detected');
  const acceptance = first('acceptance-met');
  const drillFinished = first('drill-finished');
  const runFinished = records.findLast((r): r is Rec<'run-finished'> => r.type === 'run-finished');
  const outcome = drill ? drillFinished?.outcome : runFinished?.status;
  return {
    runId: started.runId,
    startedAt: started.at,
    lastAt: records.at(-1)!.at,
    ...(drill ? { drill: { id: drill.drill, title: drill.title } } : {}),
    ...(fault ? { fault: { at: fault.at, kind: fault.kind, ...(fault.target !== undefined ? { target: fault.target } : {}), detail: fault.detail } } : {}),
    ...(detection ? { detection: { at: detection.at, probe: detection.probe, detail: detection.detail } } : {}),
    steps: stepsOf(started, records),
    improvised: improvisedOf(records),
    health: records.flatMap((r) => (r.type === 'health-transition' ? [{ at: r.at, subject: r.subject, from: r.from, to: r.to }] : [])),
    ...(acceptance ? { acceptance: { at: acceptance.at } } : {}),
    cleanup: records.flatMap((r) => (r.type === 'cleanup' ? [{ at: r.at, kind: r.kind, ...(r.target !== undefined ? { target: r.target } : {}), ok: r.ok, detail: r.detail }] : [])),
    ...(outcome ? { outcome } : {}),
    ...(drillFinished ? { reason: drillFinished.reason } : {}),
    ...(drillFinished?.timeToRecover ? { timeToRecover: drillFinished.timeToRecover } : {}),
    running: outcome === undefined,
  };
}
