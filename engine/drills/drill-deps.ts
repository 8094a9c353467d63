import type { EngineDeps } from '../runbook/engine-deps.ts';
import type { GateResult } from '../gates/gate-result.ts';
import type { DrillFault } from './drill-types.ts';
import type { Drill } from './drill-types.ts';
import type { CleanupKind, LaterPhase } from './inject-fault.ts';

/** What a drill needs besides the runbook engine, handed over by the isolation guard. */
export interface DrillDeps {
  engine: EngineDeps;
  /** The guard identified this sandbox as lab-sim: recorded with the run, so simulated evidence never opens the gate. */
  simulated: boolean;
  /** Injects the fault through a guarded adapter; returns how (for the evidence). */
  inject(kind: DrillFault, target?: string): Promise<string>;
  /** Why this fault cannot be injected on this sandbox (the missing setting), checked before anything else; undefined when it can. */
  notInjectable?(fault: Pick<Drill['fault'], 'kind' | 'target'>): string | undefined;
  /** Phases of the fault injected later, each journaled as its own `fault-injected` (the Longhorn side of a power cut). */
  laterPhases?(kind: DrillFault, target?: string): LaterPhase[];
  /** Undoes a fault (power a node back on...); idempotent. */
  cleanup(kind: CleanupKind, target?: string): Promise<string>;
  /** Versions of the sandbox's parts now (the parity snapshot recorded with the evidence). */
  versions(): Record<string, string>;
  /** The parity gate: a drill on a sandbox that drifted from prod proves nothing about prod. */
  parity?(): Promise<GateResult>;
}
