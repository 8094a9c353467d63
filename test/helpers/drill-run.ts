import assert from 'node:assert/strict';
import { readDrillRecord, type DrillRecord } from '../../engine/drills/drill-record.ts';
import type { DrillRun, DrillView } from '../../engine/drills/run-drill.ts';
import type { JournalRecord } from '../../engine/runbook/run-types.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { waitFor } from './wait.ts';

/** Sim time added per poll while a drill runs: rollouts, back-offs and boots happen in sim time. */
export const DRILL_ADVANCE_MS = 5_000;

/** What a drill looks like right now, for failure messages. */
export function describeDrill(d: DrillRun): string {
  const v = d.run.view.get();
  return JSON.stringify({
    phase: v.phase,
    notice: v.notice,
    steps: v.steps.map((s) => `${s.id} ${s.status} ${s.detail ?? ''}`),
    acceptance: d.view.get().acceptance.map((a) => `${a.probe} ${a.ok ? 'ok' : a.detail}`),
    outcome: d.view.get().outcome,
    reason: d.view.get().reason,
  });
}

/** Sim time added per poll until the drill has opened its runbook (it waits for the fault to show). */
export const DETECT_ADVANCE_MS = 1_000;

/**
 * Starts a drill and waits until it has finished (cleanup and steady-state check included),
 * moving lab-sim's manual clock while the drill waits on the sandbox, as time passes in a real
 * one:
 * - until runDrill has returned (steady state, fault, and the wait for the fault to show: some
 *   faults show only after a while, e.g. ArgoCD's webhook refresh), `DETECT_ADVANCE_MS` per poll;
 * - then `advanceMs` per poll while the engine runs an action, verifies, is blocked, or the
 *   walkthrough is over and the drill waits for acceptance; not while a [HUMAN] step waits for
 *   its answer (the autopilot answers at once), so what the engine does right after the fault
 *   shows does not race the sandbox's clock.
 * A drill that does not finish in `timeoutMs` (real time) is aborted as Ctrl-C would (so it
 * cleans up and stops polling a sim that is about to stop) and the wait fails with what the
 * drill was doing.
 */
export async function drillWithSimClock(start: () => Promise<DrillRun>, sim: LabSim, o: { timeoutMs: number; advanceMs?: number }): Promise<{ d: DrillRun; v: DrillView }> {
  let d: DrillRun | undefined;
  let failed: { error: unknown } | undefined;
  let finished = false;
  void start().then(
    (run) => {
      d = run;
      void run.done.then(
        () => (finished = true),
        (error: unknown) => (failed = { error }),
      );
    },
    (error: unknown) => (failed = { error }),
  );
  const waiting = new Set(['running', 'verifying', 'blocked', 'finished']);
  try {
    await waitFor(
      async () => {
        if (finished || failed) return true;
        if (!d) await sim.advance(DETECT_ADVANCE_MS);
        else if (waiting.has(d.run.view.get().phase.kind)) await sim.advance(o.advanceMs ?? DRILL_ADVANCE_MS);
        return finished || failed;
      },
      { what: 'the drill to finish', timeoutMs: o.timeoutMs },
    );
  } catch (e) {
    if (!d) throw new Error(`${(e as Error).message}: runDrill did not return (steady state, fault or detection)`);
    const what = describeDrill(d);
    await Promise.race([d.abort(), new Promise((r) => setTimeout(r, 5_000))]).catch(() => {});
    throw new Error(`${(e as Error).message}; drill ${d.view.get().drill.id}: ${what}`);
  }
  if (failed) throw failed.error;
  return { d: d!, v: await d!.done };
}

/** The drill record as the evidence trail reads it, from the journal alone. */
export function recordOf(file: string): { record: DrillRecord; records: JournalRecord[] } {
  const { record, records } = readDrillRecord(file);
  assert.ok(record, `${file} is a drill journal`);
  return { record, records };
}

/** The steps' statuses, for assertion messages. */
export const stepsOf = (d: DrillRun) => JSON.stringify(d.run.view.get().steps.map((s) => `${s.id} ${s.status} ${s.detail ?? ''}`));
