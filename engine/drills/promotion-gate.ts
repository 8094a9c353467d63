import type { DrillRecord } from './drill-record.ts';

export interface GateVerdict {
  ok: boolean;
  changeClass: string;
  change?: string;
  /** The passed drill run that lets the change through, when there is one. */
  evidence?: DrillRecord;
  reason: string;
}

/** The current game-day cycle: monthly by default, starting on the 1st (UTC). */
export function cycleStart(now: Date, days?: number): Date {
  if (days) return new Date(now.getTime() - days * 86_400_000);
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/**
 * "No change reaches prod until it survived the matching drill in the sandbox": a change of a
 * class passes when, in the current cycle, a drill of that class passed after the change was
 * applied to the sandbox (the drill run records the change reference).
 */
export function promotionGate(records: DrillRecord[], changeClass: string, opts: { change?: string; now: Date; cycleDays?: number }): GateVerdict {
  const since = cycleStart(opts.now, opts.cycleDays);
  const base = { changeClass, ...(opts.change ? { change: opts.change } : {}) };
  const ofClass = records.filter((r) => r.changeClass === changeClass && r.outcome !== 'running');
  const relevant = ofClass.filter((r) => !opts.change || r.change === opts.change);
  if (!ofClass.length) return { ...base, ok: false, reason: `no drill of class ${changeClass} has been run in the sandbox` };
  if (!relevant.length) return { ...base, ok: false, reason: `no drill of class ${changeClass} was run after change ${opts.change} was applied to the sandbox` };
  const current = relevant.filter((r) => Date.parse(r.startedAt) >= since.getTime());
  if (!current.length) return { ...base, ok: false, reason: `evidence too old: the last ${changeClass} drill (${relevant[0]!.drill}, ${relevant[0]!.startedAt.slice(0, 10)}) is before the current cycle (since ${since.toISOString().slice(0, 10)})` };
  const passed = current.find((r) => r.outcome === 'passed');
  if (passed) return { ...base, ok: true, evidence: passed, reason: `drill ${passed.drill} passed on ${passed.startedAt.slice(0, 10)} (run ${passed.runId})` };
  const improvised = current.find((r) => r.outcome === 'passed-with-improvisation');
  if (improvised) return { ...base, ok: false, evidence: improvised, reason: `drill ${improvised.drill} passed only with improvisation (run ${improvised.runId}): update the runbook, then run the drill again` };
  return { ...base, ok: false, evidence: current[0], reason: `drill ${current[0]!.drill} failed (run ${current[0]!.runId}): ${current[0]!.reason ?? 'no reason recorded'}` };
}
