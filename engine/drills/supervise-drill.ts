import type { Store } from '../common/store.ts';
import type { ProbeContext } from '../runbook/evaluate-probe.ts';
import { readJournal, type Journal } from '../runbook/journal.ts';
import type { RunbookRun } from '../runbook/runner.ts';
import type { DrillOutcome, JournalRecord } from '../runbook/run-types.ts';
import type { Section } from '../runbook/types.ts';
import type { DrillDeps } from './drill-deps.ts';
import { check } from './drill-probes.ts';
import type { DrillRun, DrillView } from './drill-run-types.ts';
import type { Drill } from './drill-types.ts';
import { duration } from './report.ts';
import { timeToRecover } from './time-to-recover.ts';

/** A drill whose fault is in: what its supervision needs, whether it just started or was resumed. */
export interface Supervised {
  drill: Drill;
  section: Section;
  file: string;
  journal: Journal;
  /** The walkthrough; `walkthroughOver` when it had finished before (a resumed drill). */
  run: RunbookRun;
  walkthroughOver?: boolean;
  view: Store<DrillView>;
  ctx: ProbeContext;
  pollMs: number;
  /** The clock the time limit runs on, in ms. */
  clock: () => number;
  /** Journals what the health service saw change since the last call. */
  recordHealth(): void;
  /** Stops the pilot answering [HUMAN] steps, when there is one. */
  stopPilot(): void;
  /** Stops injecting the fault's later phases. */
  stopPhases(): Promise<void>;
}

const LEFT = Symbol('left');

/**
 * Acceptance polled until it holds once the walkthrough is over (the clock stops), or the time
 * limit passes, or the operator aborts or leaves; then the outcome, cleanup and the steady state
 * checked again, all journaled. A drill left on purpose gets none of that: `lab-tui resume` does it.
 */
export function superviseDrill(s: Supervised, deps: DrillDeps): DrillRun {
  const { drill, journal, view, run } = s;
  let runEnded = !!s.walkthroughOver;
  void run.done.then(() => {
    runEnded = true;
    // Once the walkthrough is over, nothing more of the fault is injected.
    void s.stopPhases();
  });
  let aborted = false;
  let left = false;
  let finish: (reason?: string | typeof LEFT) => void = () => {};
  const ended = new Promise<string | typeof LEFT | undefined>((resolve) => (finish = resolve));
  const deadline = Date.parse(view.get().faultAt) + drill.timeLimitMs;

  const monitor = (async () => {
    for (;;) {
      s.recordHealth();
      const results = await check(drill.acceptance, s.ctx);
      const v = view.get();
      const allOk = results.every((r) => r.ok);
      let next: DrillView = { ...v, acceptance: results };
      if (!v.detectedAt && !allOk) {
        const first = results.find((r) => !r.ok)!;
        next = { ...next, detectedAt: journal.append({ type: 'symptom-detected', probe: first.probe, detail: first.detail }).at };
      }
      if (!v.acceptedAt && allOk && (next.detectedAt || runEnded)) next = { ...next, acceptedAt: journal.append({ type: 'acceptance-met', probes: results }).at };
      view.set(next);
      if (left) return finish(LEFT);
      if (aborted) return finish('aborted by the operator');
      if (runEnded && next.acceptedAt && allOk) return finish();
      if (s.clock() > deadline) return finish(`time limit of ${duration(drill.timeLimitMs)} passed`);
      await Promise.race([new Promise((r) => setTimeout(r, s.pollMs)), ended]);
    }
  })();

  const done = (async (): Promise<DrillView> => {
    const stopReason = await ended;
    await monitor;
    s.stopPilot();
    await s.stopPhases();
    if (stopReason) await run.stop();
    if (stopReason === LEFT) {
      journal.close();
      view.set((v) => ({ ...v, phase: 'left' }));
      return view.get();
    }
    view.set((v) => ({ ...v, phase: 'finishing' }));
    const runView = run.view.get();
    const { records } = readJournal(s.file);
    const improvised = records.filter((r) => r.type === 'improvised').map((r) => (r.type === 'improvised' ? r.text : ''));
    const failedSteps = runView.steps.filter((st) => st.status === 'failed' || st.status === 'aborted').map((st) => st.id);
    const skippedSteps = runView.steps.filter((st) => st.status === 'skipped').map((st) => st.id);
    const accepted = !stopReason && view.get().acceptance.every((r) => r.ok);
    const outcome: DrillOutcome = !accepted ? 'failed' : improvised.length || failedSteps.length ? 'passed-with-improvisation' : 'passed';
    const unmet = view.get().acceptance.filter((r) => !r.ok);
    // Whatever ended the drill, the reason says which acceptance probe did not hold.
    const reason = stopReason
      ? `${stopReason}${unmet.length ? `; acceptance not met: ${unmet.map((r) => `${r.probe}: ${r.detail}`).join('; ')}` : ''}`
      : !accepted
        ? `acceptance not met: ${unmet.map((r) => `${r.probe}: ${r.detail}`).join('; ')}`
        : outcome === 'passed'
          ? 'acceptance met by following the runbook'
          : `acceptance met, but the runbook is not current: ${[...failedSteps.map((st) => `${st} failed`), ...improvised.map((t) => `improvised "${t}"`)].join('; ')}`;
    s.recordHealth();
    await closeDrill({ journal, drill, outcome, reason, records, failedSteps, skippedSteps, improvised, ctx: s.ctx }, deps);
    const ttr = timeToRecover(records);
    view.set((v) => ({ ...v, phase: 'finished', outcome, reason, ...(ttr ? { timeToRecover: ttr } : {}) }));
    return view.get();
  })();

  return {
    view,
    run,
    section: s.section,
    done,
    async abort() {
      aborted = true;
      finish('aborted by the operator');
      return done;
    },
    async leave() {
      left = true;
      return done;
    },
  };
}

/**
 * The end of every drill, whatever ended it: the outcome with its time to recover, cleanup on every
 * path (a failed or interrupted drill must not leave the sandbox broken), the steady state checked
 * again, and the seal.
 */
export async function closeDrill(
  o: { journal: Journal; drill: Drill; outcome: DrillOutcome; reason: string; records: JournalRecord[]; failedSteps: string[]; skippedSteps: string[]; improvised: string[]; ctx: ProbeContext },
  deps: DrillDeps,
): Promise<void> {
  const { journal, drill } = o;
  const ttr = o.outcome === 'interrupted' ? undefined : timeToRecover(o.records);
  journal.append({ type: 'drill-finished', outcome: o.outcome, reason: o.reason, ...(ttr ? { timeToRecover: ttr } : {}), failedSteps: o.failedSteps, skippedSteps: o.skippedSteps, improvised: o.improvised });
  for (const c of drill.cleanup) {
    try {
      journal.append({ type: 'cleanup', kind: c.kind, ...(c.target ? { target: c.target } : {}), ok: true, detail: await deps.cleanup(c.kind, c.target) });
    } catch (e) {
      journal.append({ type: 'cleanup', kind: c.kind, ...(c.target ? { target: c.target } : {}), ok: false, detail: (e as Error).message });
    }
  }
  const after = await check(drill.steadyState, o.ctx);
  journal.append({ type: 'steady-state', when: 'after', ok: after.every((p) => p.ok), probes: after });
  journal.seal();
  journal.close();
}
