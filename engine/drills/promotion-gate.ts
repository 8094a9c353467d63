import type { DrillRecord } from './drill-record.ts';

/** A run the verdict relied on: what a PR checklist shows as the proof. */
export interface GateEvidence {
  runId: string;
  drill: string;
  startedAt: string;
  sandbox: string;
  simulated: boolean;
  sectionDigest?: string;
  outcome: DrillRecord['outcome'];
  timeToRecoverMs?: number;
  journal: string;
}

export interface GateVerdict {
  ok: boolean;
  changeClass: string;
  change?: string;
  /** The run that decides the verdict (the newest pass, else the newest counted run). */
  evidence?: DrillRecord;
  reason: string;
  /** Every run of the class that counted, newest first. */
  reliedOn: GateEvidence[];
  /** Every run of the class that did not count, with why. */
  ignored: { runId: string; drill: string; startedAt: string; reason: string }[];
  /** --allow-simulated was given and a simulated run counted: the verdict proves nothing about a real sandbox. */
  countedSimulated: boolean;
}

export interface GateOptions {
  change?: string;
  now: Date;
  cycleDays?: number;
  /** Count runs on lab-sim (and lab-sim's autopilot): demos and tests only. */
  allowSimulated?: boolean;
  /** The digest of the run's runbook section as it is now, or why it cannot be read. */
  currentSection(record: DrillRecord): { digest: string } | { problem: string };
}

/** The current game-day cycle: monthly by default, starting on the 1st (UTC). */
export function cycleStart(now: Date, days?: number): Date {
  if (days) return new Date(now.getTime() - days * 86_400_000);
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

const short = (digest: string) => digest.slice(0, 12);

/** Why a run of the class proves nothing for this change now, or undefined when it counts. */
function whyIgnored(r: DrillRecord, o: GateOptions, since: Date): string | undefined {
  if (o.change && r.change !== o.change) return r.change ? `rehearsed change ${r.change}, not ${o.change}` : `not run after change ${o.change} was applied`;
  if (Date.parse(r.startedAt) < since.getTime()) return `older than the cycle (since ${since.toISOString().slice(0, 10)})`;
  if (r.outcome === 'running') return 'no outcome: still running, or crashed (lab-tui resume ends it)';
  if (r.outcome === 'interrupted') return `interrupted: ${r.reason ?? 'no reason recorded'}`;
  if (r.integrity.status === 'invalid') return `invalid journal: ${r.journal}:${r.integrity.line}: ${r.integrity.reason}`;
  if (r.integrity.status === 'unverifiable') return `unverifiable journal (${r.integrity.reason})`;
  if (!r.integrity.sealed) return 'journal not sealed: the run did not finish writing it';
  if (r.simulated && !o.allowSimulated) return `simulated: the guard identified ${r.sandbox} as lab-sim, which proves nothing about the real sandbox`;
  if (r.autopilot && !(r.simulated && o.allowSimulated)) return 'autopilot: the engine did the operator steps, nobody followed the runbook';
  const now = o.currentSection(r);
  if ('problem' in now) return `stale runbook: section ${r.runbook.section} cannot be read now (${now.problem})`;
  if (!r.runbook.sectionDigest) return `stale runbook: run ${r.runId} did not record the digest of section ${r.runbook.section} (written before it was); the section is now ${short(now.digest)}`;
  if (r.runbook.sectionDigest !== now.digest) return `stale runbook: run ${r.runId} followed section ${r.runbook.section} at ${short(r.runbook.sectionDigest)}, the section is now ${short(now.digest)}: rehearse it again`;
  return undefined;
}

const evidenceOf = (r: DrillRecord): GateEvidence => ({
  runId: r.runId,
  drill: r.drill,
  startedAt: r.startedAt,
  sandbox: r.sandbox,
  simulated: r.simulated,
  ...(r.runbook.sectionDigest ? { sectionDigest: r.runbook.sectionDigest } : {}),
  outcome: r.outcome,
  ...(r.timeToRecover ? { timeToRecoverMs: r.timeToRecover.totalMs } : {}),
  journal: r.journal,
});

/**
 * "No change reaches prod until it survived the matching drill in the sandbox": a change of a
 * class passes when, in the current cycle, a drill of that class passed on a real sandbox, with a
 * person following the current text of its runbook section, after the change was applied to the
 * sandbox, and its journal verifies. Every other run of the class is listed with why it did not count.
 */
export function promotionGate(records: DrillRecord[], changeClass: string, o: GateOptions): GateVerdict {
  const since = cycleStart(o.now, o.cycleDays);
  const ofClass = records.filter((r) => r.changeClass === changeClass);
  const ignored: GateVerdict['ignored'] = [];
  const counted: DrillRecord[] = [];
  for (const r of ofClass) {
    const why = whyIgnored(r, o, since);
    if (why) ignored.push({ runId: r.runId, drill: r.drill, startedAt: r.startedAt, reason: why });
    else counted.push(r);
  }
  const verdict = (ok: boolean, reason: string, evidence?: DrillRecord): GateVerdict => ({
    ok,
    changeClass,
    ...(o.change ? { change: o.change } : {}),
    ...(evidence ? { evidence } : {}),
    reason,
    reliedOn: counted.map(evidenceOf),
    ignored,
    countedSimulated: counted.some((r) => r.simulated),
  });
  if (!ofClass.length) return verdict(false, `no drill of class ${changeClass} has been run in the sandbox`);
  if (!counted.length) return verdict(false, `no ${changeClass} drill counts: ${ignored.length} run(s) ignored; newest: ${ignored[0]!.runId}: ${ignored[0]!.reason}`);
  const passed = counted.find((r) => r.outcome === 'passed');
  if (passed) return verdict(true, `drill ${passed.drill} passed on ${passed.startedAt.slice(0, 10)} (run ${passed.runId})`, passed);
  const improvised = counted.find((r) => r.outcome === 'passed-with-improvisation');
  if (improvised) return verdict(false, `drill ${improvised.drill} passed only with improvisation (run ${improvised.runId}): update the runbook, then run the drill again`, improvised);
  const failed = counted[0]!;
  return verdict(false, `drill ${failed.drill} failed (run ${failed.runId}): ${failed.reason ?? 'no reason recorded'}`, failed);
}
