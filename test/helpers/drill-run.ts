import assert from 'node:assert/strict';
import { drillRecord, type DrillRecord } from '../../engine/drills/drill-record.ts';
import type { DrillRun, DrillView } from '../../engine/drills/run-drill.ts';
import { readJournal } from '../../engine/runbook/journal.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { waitFor } from './wait.ts';

/** Sim time added per poll while a drill runs: rollouts, back-offs and boots happen in sim time. */
export const DRILL_ADVANCE_MS = 5_000;

/** What a drill looks like right now, for timeout messages. */
export function describeDrill(d: DrillRun): string {
  const v = d.run.view.get();
  return JSON.stringify({
    phase: v.phase,
    notice: v.notice,
    steps: v.steps.map((s) => `${s.id} ${s.status} ${s.detail ?? ''}`),
    acceptance: d.view.get().acceptance.map((a) => `${a.probe} ${a.ok ? 'ok' : a.detail}`),
  });
}

/**
 * Waits until the drill has finished (cleanup and steady-state check included), moving lab-sim's
 * manual clock `advanceMs` per poll while it runs, as time passes in a real sandbox.
 */
export async function finishWithSimClock(d: DrillRun, sim: LabSim, o: { timeoutMs: number; advanceMs?: number; what?: string }): Promise<DrillView> {
  let finished = false;
  void d.done.then(
    () => (finished = true),
    () => (finished = true),
  );
  await waitFor(
    async () => {
      if (!finished) await sim.advance(o.advanceMs ?? DRILL_ADVANCE_MS);
      return finished;
    },
    { what: `${o.what ?? `drill ${d.view.get().drill.id} finishes`}; ${describeDrill(d)}`, timeoutMs: o.timeoutMs },
  );
  return d.done;
}

/** The drill record as the evidence trail reads it, from the journal alone. */
export function recordOf(file: string): { record: DrillRecord; problems: string[] } {
  const { records, problems } = readJournal(file);
  const record = drillRecord(file, records, problems.map((p) => `${file}:${p.line}: ${p.message}`));
  assert.ok(record, `${file} is a drill journal`);
  return { record, problems: record.problems };
}
