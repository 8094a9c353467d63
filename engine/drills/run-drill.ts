import { createStore, type Store } from '../common/store.ts';
import { evaluateProbe, type ProbeContext } from '../runbook/evaluate-probe.ts';
import { readJournal, type Journal } from '../runbook/journal.ts';
import type { Intent, RunbookRun } from '../runbook/runner.ts';
import type { DrillOutcome, ProbeOutcome, TimeToRecover } from '../runbook/run-types.ts';
import type { RunView } from '../runbook/run-view.ts';
import { findSection, openRun } from '../runbook/start-run.ts';
import type { ProbeSpec, Runbook, Section } from '../runbook/types.ts';
import type { DrillDeps } from './drill-deps.ts';
import type { Drill } from './drill-types.ts';
import type { LaterPhase } from './inject-fault.ts';
import { healthTransitions } from './health-transitions.ts';
import { timeToRecover } from './time-to-recover.ts';
import { duration } from './report.ts';

export class DrillRefused extends Error {
  override name = 'DrillRefused';
}

export interface DrillOptions {
  drill: Drill;
  runbook: Runbook;
  runsDir: string;
  sandbox: string;
  /** Answers [HUMAN] steps (assisting those with an engine action): unattended drills, lab-sim only. */
  autopilot: boolean;
  /** The change (commit, PR) this drill rehearses, for the promotion gate. */
  change?: string;
  /** The game-day this run belongs to. */
  gameday?: string;
  /** Run even though the parity gate fails (recorded with the evidence). */
  overrideParity?: boolean;
  pollMs?: number;
  /** The clock the time limit runs on, in ms (default: the wall clock's). */
  clock?: () => number;
}

export interface DrillView {
  drill: Drill;
  phase: 'recovering' | 'finishing' | 'finished';
  faultAt: string;
  detectedAt?: string;
  acceptedAt?: string;
  acceptance: ProbeOutcome[];
  outcome?: DrillOutcome;
  reason?: string;
  timeToRecover?: TimeToRecover;
  file: string;
}

export interface DrillRun {
  readonly view: Store<DrillView>;
  readonly run: RunbookRun;
  readonly section: Section;
  /** Resolves once the drill has finished, cleaned up and re-checked the steady state. */
  readonly done: Promise<DrillView>;
  /** Ctrl-C: stops the walkthrough, records the drill as failed (aborted), cleans up. */
  abort(): Promise<DrillView>;
}

const SETTLE_MS = 10_000;
const DETECT_WAIT_MS = 15_000;

/** Each probe's outcome as journaled; `unconfirmed` is set when one of them saw nothing. */
async function check(probes: ProbeSpec[], ctx: ProbeContext, seen: { unconfirmed?: boolean } = {}): Promise<ProbeOutcome[]> {
  const out: ProbeOutcome[] = [];
  for (const p of probes) {
    const { ok, detail, unconfirmed } = await evaluateProbe(p, ctx);
    if (unconfirmed) seen.unconfirmed = true;
    out.push({ probe: p.probe + (Object.keys(p.params).length ? ` ${Object.values(p.params).join(' ')}` : ''), ok, detail });
  }
  return out;
}

/**
 * The steady state before the fault. A probe whose source is not live has seen nothing (one
 * health read that timed out marks a source down): it is read again until the source answers,
 * for as long as the sources are given to settle, and only then counted against the sandbox.
 */
async function steadyState(probes: ProbeSpec[], ctx: ProbeContext): Promise<ProbeOutcome[]> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const seen: { unconfirmed?: boolean } = {};
    const outcomes = await check(probes, ctx, seen);
    if (!seen.unconfirmed || Date.now() >= deadline) return outcomes;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function probeContext(deps: DrillDeps): ProbeContext {
  const e = deps.engine;
  return {
    snapshot: e.snapshot,
    stepStartedAt: new Date(0),
    sql: async (database, query) => {
      const pg = e.postgres();
      if (!pg) throw new Error('no PostgreSQL configured');
      return pg.query(query, [], { database });
    },
    sh: async () => {
      throw new Error('sh probes are not evaluated by drills');
    },
  };
}

async function settled(deps: DrillDeps): Promise<void> {
  const deadline = Date.now() + SETTLE_MS;
  while (Date.now() < deadline && deps.engine.snapshot().sources.some((s) => s.status === 'connecting')) await new Promise((r) => setTimeout(r, 50));
}

/** Answers what a [HUMAN] step asks, so a drill runs unattended (tests, demos). */
function autopilot(run: RunbookRun, section: Section, pollMs: number): () => void {
  let answered = '';
  let retry: NodeJS.Timeout | undefined;
  const onChange = () => {
    const v: RunView = run.view.get();
    const step = section.steps[v.current];
    const key = `${v.current}:${v.phase.kind}:${v.steps[v.current]?.startedAt ?? ''}`;
    if (key === answered) return;
    const send = (i: Intent) => {
      answered = key;
      run.send(i);
    };
    if (v.phase.kind === 'operator') send(step?.lab?.action ? { type: 'assist' } : { type: 'done' });
    else if (v.phase.kind === 'confirm') send({ type: 'confirm' });
    else if (v.phase.kind === 'failed') send({ type: 'continue' });
    else if (v.phase.kind === 'blocked') {
      answered = key;
      clearTimeout(retry);
      retry = setTimeout(() => {
        answered = '';
        run.send({ type: 'retry' });
      }, pollMs * 10);
    }
  };
  const unsubscribe = run.view.subscribe(onChange);
  onChange();
  return () => {
    clearTimeout(retry);
    unsubscribe();
  };
}

/**
 * Injects each later phase of the fault once it is ready, in order, journaling it; a phase that
 * fails is journaled too (its detail says why) and not retried: the operator sees the drill as it
 * went. It polls on its own, so a slow acceptance check never delays a phase. `settled` holds the
 * walkthrough while a phase is ready or landing: the fault is still unfolding.
 */
function laterPhaseInjector(phases: LaterPhase[], pollMs: number, journal: (phase: string, detail: string) => void): { settled(): Promise<void>; stop(): Promise<void> } {
  const pending = [...phases];
  let injecting = false;
  let stopped = false;
  const pause = () => new Promise((r) => setTimeout(r, pollMs));
  const loop = (async () => {
    while (!stopped && pending.length) {
      if ((await pending[0]!.state()) === 'ready' && !stopped) {
        injecting = true;
        journal(pending[0]!.phase, await pending[0]!.inject().catch((e: Error) => `failed: ${e.message}`));
        pending.shift();
        injecting = false;
      } else await pause();
    }
  })();
  return {
    async settled() {
      while (!stopped && pending.length && (injecting || (await pending[0]!.state()) === 'ready')) await pause();
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/**
 * A chaos drill: steady state, fault, the runbook walkthrough, acceptance polled until it holds
 * (the clock stops), outcome, cleanup on every path and the steady state checked again. Every
 * step of it goes to the run's own journal, which is the drill's evidence.
 */
export async function runDrill(o: DrillOptions, deps: DrillDeps): Promise<DrillRun> {
  const { drill } = o;
  const pollMs = o.pollMs ?? 1000;
  const ctx = probeContext(deps);
  // Before anything is read or touched: a fault that cannot be injected here makes no drill.
  const cannot = deps.notInjectable?.(drill.fault);
  if (cannot) throw new DrillRefused(`drill ${drill.id} refused: its fault ${drill.fault.kind} cannot be injected on this sandbox: ${cannot}`);
  await settled(deps);
  const parity = deps.parity ? await deps.parity() : undefined;
  if (parity && !parity.ok && !o.overrideParity) throw new DrillRefused(`drill ${drill.id} refused: the sandbox drifted from prod (${parity.summary}); fix the drift, or run with --override-parity (recorded)`);
  const before = await steadyState(drill.steadyState, ctx);
  const unhealthy = before.filter((p) => !p.ok);
  if (unhealthy.length) throw new DrillRefused(`drill ${drill.id} refused: the sandbox is not in its steady state: ${unhealthy.map((p) => `${p.probe}: ${p.detail}`).join('; ')}`);

  const section = findSection(o.runbook, drill.runbook.section);
  const opened = openRun({ runbook: o.runbook, section: section.id, dir: o.runsDir, sandbox: o.sandbox, pollMs }, deps.engine);
  const journal: Journal = opened.journal;
  journal.append({ type: 'drill-started', drill: drill.id, title: drill.title, changeClass: drill.changeClass, ...(o.change ? { change: o.change } : {}), ...(o.gameday ? { gameday: o.gameday } : {}), ...(parity && !parity.ok ? { parityOverride: parity.summary } : {}), autopilot: o.autopilot, simulated: deps.simulated, timeLimitMs: drill.timeLimitMs, versions: deps.versions() });
  journal.append({ type: 'steady-state', when: 'before', ok: true, probes: before });
  // The baseline is health just before the fault, so what the fault itself breaks is a transition.
  let health = deps.engine.snapshot();
  const recordHealth = () => {
    const now = deps.engine.snapshot();
    for (const t of healthTransitions(health, now)) journal.append({ type: 'health-transition', ...t });
    health = now;
  };
  const later = deps.laterPhases?.(drill.fault.kind, drill.fault.target) ?? [];
  for (const phase of later) await phase.arm();
  const detail = await deps.inject(drill.fault.kind, drill.fault.target);
  const fault = journal.append({ type: 'fault-injected', kind: drill.fault.kind, ...(drill.fault.target ? { target: drill.fault.target } : {}), detail });
  const view = createStore<DrillView>({ drill, phase: 'recovering', faultAt: fault.at, acceptance: [], file: opened.file });
  const phases = laterPhaseInjector(later, pollMs, (phase, detail) =>
    journal.append({ type: 'fault-injected', kind: drill.fault.kind, ...(drill.fault.target ? { target: drill.fault.target } : {}), detail, phase }),
  );
  // The operator opens the runbook once the fault shows (the alert), not before: a precondition
  // such as "Vault is sealed" would otherwise be judged on data from before the fault.
  const detectBy = Date.now() + DETECT_WAIT_MS;
  while (Date.now() < detectBy) {
    recordHealth();
    const results = await check(drill.acceptance, ctx);
    const failing = results.find((r) => !r.ok);
    if (failing) {
      view.set((v) => ({ ...v, acceptance: results, detectedAt: journal.append({ type: 'symptom-detected', probe: failing.probe, detail: failing.detail }).at }));
      break;
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  const run = opened.walk({ keepJournalOpen: true, beforeStep: phases.settled });
  const stopPilot = o.autopilot ? autopilot(run, section, pollMs) : () => {};

  let runEnded = false;
  void run.done.then(() => {
    runEnded = true;
    // Once the walkthrough is over, nothing more of the fault is injected.
    void phases.stop();
  });
  let aborted = false;
  let finish: (reason?: string) => void = () => {};
  const ended = new Promise<string | undefined>((resolve) => (finish = resolve));
  const deadline = Date.parse(fault.at) + drill.timeLimitMs;
  const clock = o.clock ?? Date.now;

  const monitor = (async () => {
    for (;;) {
      recordHealth();
      const results = await check(drill.acceptance, ctx);
      const v = view.get();
      const allOk = results.every((r) => r.ok);
      let next: DrillView = { ...v, acceptance: results };
      if (!v.detectedAt && !allOk) {
        const first = results.find((r) => !r.ok)!;
        next = { ...next, detectedAt: journal.append({ type: 'symptom-detected', probe: first.probe, detail: first.detail }).at };
      }
      if (!v.acceptedAt && allOk && (next.detectedAt || runEnded)) next = { ...next, acceptedAt: journal.append({ type: 'acceptance-met', probes: results }).at };
      view.set(next);
      if (aborted) return finish('aborted by the operator');
      if (runEnded && next.acceptedAt && allOk) return finish();
      if (clock() > deadline) return finish(`time limit of ${duration(drill.timeLimitMs)} passed`);
      await Promise.race([new Promise((r) => setTimeout(r, pollMs)), ended]);
    }
  })();

  const done = (async (): Promise<DrillView> => {
    const stopReason = await ended;
    await monitor;
    stopPilot();
    await phases.stop();
    if (stopReason) await run.stop();
    view.set((v) => ({ ...v, phase: 'finishing' }));
    const runView = run.view.get();
    const { records } = readJournal(opened.file);
    const improvised = records.filter((r) => r.type === 'improvised').map((r) => (r.type === 'improvised' ? r.text : ''));
    const failedSteps = runView.steps.filter((s) => s.status === 'failed' || s.status === 'aborted').map((s) => s.id);
    const skippedSteps = runView.steps.filter((s) => s.status === 'skipped').map((s) => s.id);
    const accepted = !stopReason && view.get().acceptance.every((r) => r.ok);
    const outcome: DrillOutcome = !accepted ? 'failed' : improvised.length || failedSteps.length ? 'passed-with-improvisation' : 'passed';
    const unmet = view.get().acceptance.filter((r) => !r.ok);
    // Whatever ended the drill, the reason says which acceptance probe did not hold.
    const reason = stopReason
      ? `${stopReason}${unmet.length ? `; acceptance not met: ${unmet.map((r) => `${r.probe}: ${r.detail}`).join('; ')}` : ''}`
      : !accepted
        ? `acceptance not met: ${view.get().acceptance.filter((r) => !r.ok).map((r) => `${r.probe}: ${r.detail}`).join('; ')}`
        : outcome === 'passed'
          ? 'acceptance met by following the runbook'
          : `acceptance met, but the runbook is not current: ${[...failedSteps.map((s) => `${s} failed`), ...improvised.map((t) => `improvised "${t}"`)].join('; ')}`;
    recordHealth();
    const ttr = timeToRecover(records);
    journal.append({ type: 'drill-finished', outcome, reason, ...(ttr ? { timeToRecover: ttr } : {}), failedSteps, skippedSteps, improvised });
    // Cleanup on every path: a failed or aborted drill must not leave the sandbox broken.
    for (const c of drill.cleanup) {
      try {
        journal.append({ type: 'cleanup', kind: c.kind, ...(c.target ? { target: c.target } : {}), ok: true, detail: await deps.cleanup(c.kind, c.target) });
      } catch (e) {
        journal.append({ type: 'cleanup', kind: c.kind, ...(c.target ? { target: c.target } : {}), ok: false, detail: (e as Error).message });
      }
    }
    const after = await check(drill.steadyState, ctx);
    journal.append({ type: 'steady-state', when: 'after', ok: after.every((p) => p.ok), probes: after });
    journal.seal();
    journal.close();
    view.set((v) => ({ ...v, phase: 'finished', outcome, reason, ...(ttr ? { timeToRecover: ttr } : {}) }));
    return view.get();
  })();

  return {
    view,
    run,
    section,
    done,
    async abort() {
      aborted = true;
      finish('aborted by the operator');
      return done;
    },
  };
}
