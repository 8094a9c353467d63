import type { JournalRecord, StepOutcome } from './run-types.ts';

export type StepStatus = 'pending' | 'running' | 'verifying' | StepOutcome;

export interface StepView {
  id: string;
  number: number;
  kind: 'AGENT' | 'HUMAN';
  title: string;
  status: StepStatus;
  startedAt?: string;
  durationMs?: number;
  /** The last verification result, failure reason or operator note. */
  detail?: string;
}

/** What the runner is waiting for: the keys the walkthrough offers follow from it. */
export type Phase =
  | { kind: 'starting' }
  /** A [HUMAN] step: done, failed, skip, assist. */
  | { kind: 'operator' }
  /** --paranoid: confirm an [AGENT] step before it runs. */
  | { kind: 'confirm' }
  | { kind: 'running' }
  | { kind: 'verifying'; probe: string }
  /** A precondition does not hold: retry, skip, improvise. */
  | { kind: 'blocked'; detail: string }
  /** The step failed or was aborted: retry, continue, improvise. */
  | { kind: 'failed'; detail: string }
  | { kind: 'finished'; status: 'passed' | 'failed' | 'aborted' };

export interface OutputLine {
  step: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface ImprovisedView {
  step: string;
  at: string;
  text: string;
  command?: string;
  status?: string;
}

export interface RunView {
  runId: string;
  runbook: string;
  section: string;
  sectionTitle: string;
  startedAt: string;
  steps: StepView[];
  /** Index into steps of the step in hand. */
  current: number;
  phase: Phase;
  improvised: ImprovisedView[];
  /** The newest lines of output, bounded: a chatty command must not grow memory. */
  output: OutputLine[];
  /** The engine's own notes (journal problems on resume, refused actions). */
  notice?: string;
}

export const OUTPUT_LINES = 500;

/** The view a journal implies, record by record; resumption replays the same function. */
export function applyRecord(view: RunView | undefined, r: JournalRecord): RunView | undefined {
  if (r.type === 'run-started') {
    // Steps before --from are not part of this run: skipped, so they neither pend nor fail it.
    const from = r.mode.from ? Math.max(0, r.steps.findIndex((s) => s.id === r.mode.from)) : 0;
    const steps = r.steps.map((s, i): StepView => (i < from ? { ...s, number: i + 1, status: 'skipped', detail: 'not run: the run started --from a later step' } : { ...s, number: i + 1, status: 'pending' }));
    return { runId: r.runId, runbook: r.runbook, section: r.section, sectionTitle: r.sectionTitle, startedAt: r.at, steps, current: from, phase: { kind: 'starting' }, improvised: [], output: [] };
  }
  if (!view) return view;
  const index = 'step' in r ? view.steps.findIndex((s) => s.id === r.step) : -1;
  const patch = (p: Partial<StepView>): RunView => ({ ...view, steps: view.steps.map((s, i) => (i === index ? { ...s, ...p } : s)) });
  switch (r.type) {
    case 'run-resumed':
      return { ...view, current: Math.max(0, view.steps.findIndex((s) => s.id === r.atStep)) };
    case 'step-started':
      return { ...patch({ status: 'running', startedAt: r.at, durationMs: undefined, detail: undefined }), current: index };
    case 'requires-failed':
      return { ...patch({ detail: `requires ${r.probe}: ${r.detail}` }), current: index };
    case 'command-refused':
      return { ...patch({ detail: `refused (${r.rule}): ${r.reason}` }), current: index };
    case 'verified':
      return patch({ status: r.ok ? 'verifying' : 'running', detail: `${r.probe}: ${r.detail}` });
    case 'step-finished':
      return patch({ status: r.status, durationMs: r.durationMs, detail: r.reason ?? r.note ?? view.steps[index]?.detail });
    case 'output':
      return view;
    case 'improvised':
      return { ...view, improvised: [...view.improvised, { step: r.step, at: r.at, text: r.text, command: r.command }] };
    case 'improvised-finished': {
      const last = view.improvised.findLastIndex((x) => x.step === r.step && x.command !== undefined && x.status === undefined);
      return { ...view, improvised: view.improvised.map((x, i) => (i === last ? { ...x, status: r.exitCode === undefined ? r.status : `${r.status} (exit ${r.exitCode})` } : x)) };
    }
    case 'step-action':
    case 'runbook-reloaded':
    case 'process-started':
    case 'drill-started':
    case 'steady-state':
    case 'fault-injected':
    case 'symptom-detected':
    case 'health-transition':
    case 'acceptance-met':
    case 'cleanup':
    case 'drill-finished':
    case 'pr-proposed':
    case 'drill-resumed':
    case 'journal-sealed':
      return view;
    case 'run-finished':
      return { ...view, phase: { kind: 'finished', status: r.status } };
  }
}

export function replay(records: JournalRecord[]): RunView | undefined {
  return records.reduce<RunView | undefined>(applyRecord, undefined);
}

/** The step a resumed run continues at: the first one without an outcome. */
export function resumePoint(view: RunView): number {
  const i = view.steps.findIndex((s) => s.status === 'pending' || s.status === 'running' || s.status === 'verifying');
  return i === -1 ? view.steps.length : i;
}

/** passed: every step done or skipped; failed: any step failed or aborted. */
export function outcome(view: RunView): 'passed' | 'failed' {
  return view.steps.every((s) => s.status === 'done' || s.status === 'skipped') ? 'passed' : 'failed';
}
