import type { DrillOutcome, JournalRecord, NewRecord, StepOutcome, TimeToRecover } from '../../engine/runbook/run-types.ts';

export interface StepSpec {
  title: string;
  kind: 'AGENT' | 'HUMAN';
  /** Offset from the run's start; omitted for a step skipped while blocked (no step-started). */
  atMs?: number;
  ms: number;
  /** Omitted: the step is still running. */
  status?: StepOutcome;
  reason?: string;
  note?: string;
}

/** A drill run as its journal would hold it, with times as offsets (ms) from `start`. */
export interface DrillJournalSpec {
  runId: string;
  drill: string;
  title: string;
  section: string;
  start: string;
  faultMs: number;
  fault: { kind: string; target?: string };
  /** Fault to detection. */
  detectMs?: number;
  probe: string;
  steps: StepSpec[];
  improvised?: { atMs: number; step: number; text: string; command?: string; status?: 'ok' | 'failed' }[];
  health?: { atMs: number; subject: string; from: string; to: string }[];
  acceptMs?: number;
  /** drill-finished (then cleanup); omitted: the drill is still running, the journal stops at the last event. */
  end?: { atMs: number; outcome: DrillOutcome; reason: string; ttr?: TimeToRecover; cleanup?: { kind: string; target?: string; ok: boolean }[] };
}

/** The records, in time order with consecutive seq, that a drill run with this shape leaves. */
export function drillJournal(o: DrillJournalSpec): JournalRecord[] {
  const t0 = Date.parse(o.start);
  const events: [number, NewRecord][] = [];
  const at = (ms: number, r: NewRecord) => events.push([ms, r]);
  const id = (n: number) => `${o.section}/${n}`;
  at(0, { type: 'run-started', runId: o.runId, runbook: '/runbooks/CLUSTER_RECOVERY.md', digest: 'd', section: o.section, sectionTitle: o.section, steps: o.steps.map((s, i) => ({ id: id(i + 1), kind: s.kind, title: s.title })), mode: { paranoid: false }, sandbox: 'lab-sim', operator: 'alice' });
  at(0, { type: 'drill-started', drill: o.drill, title: o.title, changeClass: 'vault', autopilot: false, timeLimitMs: 1_800_000, versions: {} });
  at(0, { type: 'steady-state', when: 'before', ok: true, probes: [] });
  at(o.faultMs, { type: 'fault-injected', kind: o.fault.kind, ...(o.fault.target ? { target: o.fault.target } : {}), detail: `${o.fault.kind} injected` });
  if (o.detectMs !== undefined) at(o.faultMs + o.detectMs, { type: 'symptom-detected', probe: o.probe, detail: 'failing' });
  for (const h of o.health ?? []) at(h.atMs, { type: 'health-transition', subject: h.subject, from: h.from, to: h.to });
  o.steps.forEach((s, i) => {
    const start = s.atMs ?? o.faultMs + (o.detectMs ?? 0);
    if (s.atMs !== undefined) at(start, { type: 'step-started', step: id(i + 1), kind: s.kind, title: s.title });
    if (s.status) at(start + s.ms, { type: 'step-finished', step: id(i + 1), status: s.status, durationMs: s.ms, ...(s.reason ? { reason: s.reason } : {}), ...(s.note ? { note: s.note } : {}) });
  });
  for (const i of o.improvised ?? []) {
    at(i.atMs, { type: 'improvised', step: id(i.step), text: i.text, ...(i.command ? { command: i.command } : {}) });
    if (i.status) at(i.atMs + 1_000, { type: 'improvised-finished', step: id(i.step), status: i.status, durationMs: 1_000, exitCode: i.status === 'ok' ? 0 : 1 });
  }
  if (o.acceptMs !== undefined) at(o.acceptMs, { type: 'acceptance-met', probes: [] });
  if (o.end) {
    const e = o.end;
    at(e.atMs, { type: 'run-finished', status: o.steps.every((s) => s.status === 'done' || s.status === 'skipped') ? 'passed' : 'failed', durationMs: e.atMs });
    at(e.atMs, { type: 'drill-finished', outcome: e.outcome, reason: e.reason, ...(e.ttr ? { timeToRecover: e.ttr } : {}), failedSteps: [], skippedSteps: [], improvised: (o.improvised ?? []).map((i) => i.text) });
    (e.cleanup ?? []).forEach((c, n) => at(e.atMs + 1_000 * (n + 1), { type: 'cleanup', kind: c.kind, ...(c.target ? { target: c.target } : {}), ok: c.ok, detail: c.ok ? 'done' : 'failed' }));
  }
  // sort is stable: records of the same instant keep the order they were added in, as a journal's would.
  return events.sort((a, b) => a[0] - b[0]).map(([ms, r], i) => ({ ...r, seq: i + 1, at: new Date(t0 + ms).toISOString() }) as JournalRecord);
}
