import { createStore } from '../common/store.ts';
import type { Journal } from '../runbook/journal.ts';
import { findSection, openRun } from '../runbook/start-run.ts';
import type { Runbook } from '../runbook/types.ts';
import { autopilot } from './drill-autopilot.ts';
import type { DrillDeps } from './drill-deps.ts';
import { check, probeContext, settled, steadyState } from './drill-probes.ts';
import type { DrillRun, DrillView } from './drill-run-types.ts';
import type { Drill } from './drill-types.ts';
import { healthRecorder } from './health-transitions.ts';
import { laterPhaseInjector } from './later-phases.ts';
import { superviseDrill } from './supervise-drill.ts';

export type { DrillRun, DrillView } from './drill-run-types.ts';

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

/** How long a drill waits for its fault to show before the operator opens the runbook anyway. */
const DETECT_WAIT_MS = 15_000;

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
  const recordHealth = healthRecorder(deps.engine.snapshot, journal);
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

  const clock = o.clock ?? Date.now;
  return superviseDrill({ drill, section, file: opened.file, journal, run, view, ctx, pollMs, clock, recordHealth, stopPilot, stopPhases: () => phases.stop() }, deps);
}
