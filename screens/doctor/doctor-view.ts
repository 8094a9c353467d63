import type { DoctorReport } from '../../engine/doctor/check.ts';

/** What the cockpit knows of the doctor it ran on start: the last report, and whether continuing is safe. */
export interface DoctorView {
  /** Undefined until the first run finishes. */
  report?: DoctorReport;
  running: boolean;
  /** Continuing to the cockpit despite the failures is safe (`true`), or why not. */
  canContinue: true | string;
}

/** The doctor screen stands in front of the cockpit while a check fails and the operator has not moved on. */
export const doctorOpen = (doctor: DoctorView | undefined, dismissed: boolean): boolean => !!doctor?.report && !doctor.report.ok && !dismissed;

/** Continuing is unsafe when the guard refuses the target: the cockpit would have nothing it may contact. */
export function continueVerdict(report: DoctorReport): true | string {
  const refused = report.checks.find((c) => !c.ok && c.refused);
  return refused ? `the isolation guard refuses this sandbox (${refused.name}): fix it, then r` : true;
}
