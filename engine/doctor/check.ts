/** One line of `lab-tui doctor`: what was checked, ok or not, and what to do about it. */
export interface DoctorCheck {
  /** Stable, for --json and scripts: `configuration`, `permissions.drills`, `crds.longhorn.io/v1beta2`, `key-file`. */
  id: string;
  /** How the line names it. */
  name: string;
  ok: boolean;
  /** What was found: the evidence when ok, else what is wrong (several lines at most). */
  detail: string;
  /** What to do when it failed. */
  fix?: string;
  /** The isolation guard refused the target: lab-tui will not run on it at all (exit 3). */
  refused?: boolean;
}

export interface DoctorReport {
  schema: 'lab-tui/doctor@1';
  ok: boolean;
  /** The configuration file checked. */
  file: string;
  checks: DoctorCheck[];
}

export const passed = (id: string, name: string, detail: string): DoctorCheck => ({ id, name, ok: true, detail });
export const failed = (id: string, name: string, detail: string, fix: string, refused = false): DoctorCheck => ({ id, name, ok: false, detail, fix, ...(refused ? { refused } : {}) });

/** A check that needs an earlier one to have passed says which, instead of a second error for the same cause. */
export const notChecked = (id: string, name: string, because: string): DoctorCheck => failed(id, name, `not checked: ${because}`, 'fix the failed check above first');

export function doctorReport(file: string, checks: DoctorCheck[]): DoctorReport {
  return { schema: 'lab-tui/doctor@1', ok: checks.every((c) => c.ok), file, checks };
}

/** The report as the terminal shows it: one line per check, its detail and fix indented under a failure. */
export function formatReport(r: DoctorReport): string {
  const width = Math.max(...r.checks.map((c) => c.name.length));
  const lines = r.checks.flatMap((c) => {
    const [first = '', ...more] = c.detail.split('\n');
    const head = `${c.ok ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(width)}  ${first}`.trimEnd();
    const pad = ' '.repeat(width + 8);
    return [head, ...more.map((l) => pad + l), ...(c.ok || !c.fix ? [] : [`${pad}fix: ${c.fix}`])];
  });
  const bad = r.checks.filter((c) => !c.ok).length;
  return [`doctor: ${r.file}`, ...lines, bad ? `${bad} of ${r.checks.length} checks failed` : `all ${r.checks.length} checks passed`].join('\n');
}
