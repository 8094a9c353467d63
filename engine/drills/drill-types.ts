import type { ProbeSpec } from '../runbook/types.ts';

/** The change-classes of the promotion gate: a change of a class ships once a drill of that class passed. */
export const CHANGE_CLASSES = ['infra', 'vault', 'storage', 'database', 'gitops', 'pki', 'dns'] as const;
export type ChangeClass = (typeof CHANGE_CLASSES)[number];

/** Faults a drill injects, each through its own guarded mechanism (inject-fault.ts). */
export const DRILL_FAULTS = ['node-stop', 'power-cut', 'vault-seal', 'volume-corrupt', 'db-drop', 'bad-sync', 'ca-reinit', 'command'] as const;
export type DrillFault = (typeof DRILL_FAULTS)[number];

export interface Drill {
  id: string;
  title: string;
  changeClass: ChangeClass;
  description: string;
  /** Must all hold before the fault is injected: no drill on an unhealthy sandbox. */
  steadyState: ProbeSpec[];
  /** `command`: a lab's own fault, `target` holding the command (run as a guarded child process); `line` where the drill names it. */
  fault: { kind: DrillFault; target?: string; line: number };
  /** The runbook section the operator follows; `file` is relative to the runbooks directories; `line` where the drill names it. */
  runbook: { file: string; section: string; line: number };
  /** The clock stops when all hold (after the fault was detected). */
  acceptance: ProbeSpec[];
  timeLimitMs: number;
  /** Undoes the fault when the drill ends early (abort, Ctrl-C, time limit): e.g. power a node back on. */
  /** `undo`: the command that undoes a lab's own `command` fault (`target` holds it). */
  cleanup: { kind: 'node-start' | 'power-restore' | 'gitops-revert' | 'undo'; target?: string }[];
  file: string;
  line: number;
  /** `lab`: from the lab's own drills directory (sandbox.drills.path), replacing a shipped drill of the same id if any. */
  origin: 'shipped' | 'lab';
}
