import { createStore } from '../common/store.ts';
import { openJournal, readJournal } from '../runbook/journal.ts';
import type { RunbookRun } from '../runbook/runner.ts';
import { replay, type RunView } from '../runbook/run-view.ts';
import { findSection, resumeRun, RunError } from '../runbook/start-run.ts';
import type { Runbook } from '../runbook/types.ts';
import { autopilot } from './drill-autopilot.ts';
import type { DrillDeps } from './drill-deps.ts';
import { observe, probeContext, settled } from './drill-probes.ts';
import type { DrillRun, DrillView } from './drill-run-types.ts';
import type { Drill } from './drill-types.ts';
import { healthRecorder } from './health-transitions.ts';
import { closeDrill, superviseDrill } from './supervise-drill.ts';

export interface ResumeDrillOptions {
  file: string;
  /** The drill of that id as the catalogue has it now (its acceptance, limit and cleanup): the journal names the id. */
  findDrill(id: string): Drill;
  /** Loads the runbook the run followed (its path is in the journal). */
  load(file: string): Runbook;
  pollMs?: number;
  clock?: () => number;
  /** The journal's clock (tests move it to make the gap while lab-tui was down measurable). */
  now?: () => Date;
  /** Ends the drill `interrupted` with this reason instead of following it further (the operator's choice). */
  interrupt?: string;
}

/** A walkthrough that is over already: the view it ended with. */
function walkthroughAsItEnded(view: RunView): RunbookRun {
  return { view: createStore(view), send: () => {}, done: Promise.resolve(view), stop: async () => {} };
}

/** True when the journal is a drill's that has no outcome yet: `lab-tui resume` continues the drill itself. */
export function drillAwaitingOutcome(file: string): boolean {
  const { records } = readJournal(file);
  return records.some((r) => r.type === 'drill-started') && !records.some((r) => r.type === 'drill-finished');
}

/**
 * Takes up a drill lab-tui stopped following (a crash, kill -9, or left on purpose): the fault time
 * comes from the journal, the time limit and the acceptance polling go on from there, the
 * walkthrough resumes where it stopped, and the drill ends with a real outcome and time to
 * recover; the gap while nobody watched is journaled and counted. A drill whose sandbox cannot be
 * observed any more, or that the operator ends so, is closed `interrupted` with the reason, its
 * cleanup run: no drill stays without an outcome after a resume.
 */
export async function resumeDrill(o: ResumeDrillOptions, deps: DrillDeps): Promise<DrillRun> {
  const { records } = readJournal(o.file);
  const started = records[0];
  const drillStarted = records.find((r) => r.type === 'drill-started');
  if (started?.type !== 'run-started' || drillStarted?.type !== 'drill-started') throw new RunError(`${o.file}: not a drill's journal`);
  if (records.some((r) => r.type === 'drill-finished')) throw new RunError(`${o.file}: drill run ${started.runId} already has its outcome; start a new drill`);
  const drill = o.findDrill(drillStarted.drill);
  const pollMs = o.pollMs ?? 1000;
  const ctx = probeContext(deps);
  const now = o.now ?? (() => new Date());
  const journal = openJournal(o.file, { now, redact: (t: string) => deps.engine.redactor.redact(t) });
  const last = records.at(-1)!;
  journal.append({ type: 'drill-resumed', gapMs: Math.max(0, now().getTime() - Date.parse(last.at)) });
  const fault = records.find((r) => r.type === 'fault-injected');
  const detectedAt = records.find((r) => r.type === 'symptom-detected')?.at;
  const acceptedAt = records.find((r) => r.type === 'acceptance-met')?.at;
  const view = createStore<DrillView>({ drill, phase: 'recovering', faultAt: fault?.at ?? last.at, ...(detectedAt ? { detectedAt } : {}), ...(acceptedAt ? { acceptedAt } : {}), acceptance: [], file: o.file });
  const runbook = o.load(started.runbook);
  const section = findSection(runbook, started.section);

  const interrupted = async (reason: string): Promise<DrillRun> => {
    const now = readJournal(o.file).records;
    const improvised = now.flatMap((r) => (r.type === 'improvised' ? [r.text] : []));
    view.set((v) => ({ ...v, phase: 'finishing' }));
    await closeDrill({ journal, drill, outcome: 'interrupted', reason, records: now, failedSteps: [], skippedSteps: [], improvised, ctx }, deps);
    view.set((v) => ({ ...v, phase: 'finished', outcome: 'interrupted', reason }));
    const done = Promise.resolve(view.get());
    return { view, run: walkthroughAsItEnded(replay(now)!), section, done, abort: () => done, leave: () => done };
  };
  if (o.interrupt) return interrupted(o.interrupt);
  if (!fault) return interrupted('lab-tui stopped before the fault was injected');
  await settled(deps);
  const seen = await observe(drill.acceptance, ctx);
  if (seen.unconfirmed) return interrupted(`the sandbox can no longer be observed: ${seen.outcomes.map((p) => `${p.probe}: ${p.detail}`).join('; ')}`);

  const walkthroughOver = records.some((r) => r.type === 'run-finished');
  const run = walkthroughOver ? walkthroughAsItEnded(replay(records)!) : (await resumeRun({ file: o.file, load: () => runbook, pollMs, journal, now }, deps.engine)).run;
  const stopPilot = drillStarted.autopilot ? autopilot(run, section, pollMs) : () => {};
  const recordHealth = healthRecorder(deps.engine.snapshot, journal);
  return superviseDrill({ drill, section, file: o.file, journal, run, walkthroughOver, view, ctx, pollMs, clock: o.clock ?? Date.now, recordHealth, stopPilot, stopPhases: async () => {} }, deps);
}
