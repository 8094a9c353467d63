import type { DrillRecord } from './drill-record.ts';
import { CHANGE_CLASSES } from './drill-types.ts';
import { cycleStart, promotionGate, type GateEvidence, type GateOptions, type GateVerdict } from './promotion-gate.ts';
import { duration } from './report.ts';

/** Where a class stands for the promotion gate this cycle: what STATUS.md and the PR checklist show. */
export interface ClassStatus {
  changeClass: string;
  /** The catalogue's drills of the class (none: the class cannot be rehearsed yet). */
  drills: string[];
  /** The gate's verdict for the class: a change of it may go to prod. */
  ok: boolean;
  /** The passing run the gate relies on; absent when the gate refuses. */
  lastPass?: GateEvidence;
  /** Why the gate refuses, in the words a STATUS.md reader acts on; absent when it passes. */
  missing?: string;
  /** The gate's own reason, word for word. */
  reason: string;
  ignored: GateVerdict['ignored'];
  countedSimulated: boolean;
}

export interface RehearsalStatus {
  /** The first day of the cycle the gate counts from (YYYY-MM-DD). */
  since: string;
  classes: ClassStatus[];
  /** Some row counts simulated evidence (--allow-simulated): it proves nothing about the real sandbox. */
  countedSimulated: boolean;
}

export type StatusOptions = Omit<GateOptions, 'change'>;

const day = (iso: string) => iso.slice(0, 10);

function missing(v: GateVerdict, drills: string[]): string | undefined {
  if (v.ok) return undefined;
  const runs = v.reliedOn.length + v.ignored.length;
  if (!runs && !drills.length) return `no drill of class ${v.changeClass} in the catalogue: add one (sandbox.drills.path)`;
  if (!runs) return `never run (${drills.length > 1 ? 'drills' : 'drill'}: ${drills.join(', ')})`;
  if (!v.reliedOn.length) {
    const newest = v.ignored[0]!;
    return `no run counts (${v.ignored.length} ignored); newest ${newest.runId} (${day(newest.startedAt)}): ${newest.reason}`;
  }
  // Counted runs, none passed: the gate names the newest improvised or failed one and what to do.
  return v.reason;
}

/**
 * The gate's verdict for every change-class (the known ones, then any other the catalogue or the
 * records name), per class: so STATUS.md says exactly what `gate promote` would answer.
 */
export function rehearsalStatus(records: DrillRecord[], catalogue: { id: string; changeClass: string }[], o: StatusOptions): RehearsalStatus {
  const known: string[] = [...CHANGE_CLASSES];
  const others = [...new Set([...catalogue.map((d) => d.changeClass), ...records.map((r) => r.changeClass)])].filter((c) => !known.includes(c)).sort();
  const classes = [...known, ...others].map((changeClass): ClassStatus => {
    const drills = catalogue.filter((d) => d.changeClass === changeClass).map((d) => d.id);
    const v = promotionGate(records, changeClass, o);
    const lastPass = v.ok ? v.reliedOn.find((e) => e.runId === v.evidence?.runId) : undefined;
    const why = missing(v, drills);
    return { changeClass, drills, ok: v.ok, ...(lastPass ? { lastPass } : {}), ...(why ? { missing: why } : {}), reason: v.reason, ignored: v.ignored, countedSimulated: v.countedSimulated };
  });
  return { since: day(cycleStart(o.now, o.cycleDays).toISOString()), classes, countedSimulated: classes.some((c) => c.countedSimulated) };
}

export const STATUS_START = '<!-- lab-tui:rehearsal-status -->';
export const STATUS_END = '<!-- /lab-tui:rehearsal-status -->';

const SIMULATED_WARNING = 'counted simulated evidence (--allow-simulated): it proves nothing about the real sandbox';

/** The cells of one row, shared by the plain table and the Markdown one. */
export function statusCells(c: ClassStatus): { drill: string; date: string; ttr: string; digest: string; missing: string } {
  const p = c.lastPass;
  return {
    drill: p ? `${p.drill} (run ${p.runId}${p.simulated ? ', simulated' : ''})` : '-',
    date: p ? day(p.startedAt) : '-',
    ttr: p?.timeToRecoverMs === undefined ? '-' : duration(p.timeToRecoverMs),
    digest: p?.sectionDigest ? p.sectionDigest.slice(0, 12) : '-',
    missing: c.missing ?? '-',
  };
}

export const statusTableHeader = ['CLASS', 'LAST PASSING REAL DRILL', 'DATE', 'TTR', 'SECTION', 'MISSING'];
export const statusTableRows = (s: RehearsalStatus): string[][] =>
  s.classes.map((c) => {
    const x = statusCells(c);
    return [c.changeClass, x.drill, x.date, x.ttr, x.digest, x.missing];
  });
export const statusWarning = (s: RehearsalStatus): string | undefined => (s.countedSimulated ? `warning: ${SIMULATED_WARNING}` : undefined);

// A reason can hold a `|` (a journal path, a shell line): escaped, it stays in its cell.
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/**
 * The block `evidence status --update` keeps in the PRD's STATUS.md, markers included, lines
 * without their ending. Nothing in it depends on the time it was made (only on the evidence and the
 * cycle), so an update with the same evidence leaves the file as it was.
 */
export function statusMarkdownLines(s: RehearsalStatus): string[] {
  return [
    STATUS_START,
    '### Rehearsal status',
    '',
    `Current cycle since ${s.since}: per change-class, the last drill that counts for \`lab-tui gate promote\`.`,
    ...(s.countedSimulated ? ['', `⚠ ${SIMULATED_WARNING}.`] : []),
    '',
    '| class | last passing real drill | date | time to recover | section digest | missing |',
    '|---|---|---|---|---|---|',
    ...s.classes.map((c) => {
      const x = statusCells(c);
      return `| ${c.changeClass} | ${cell(x.drill)} | ${x.date} | ${x.ttr} | ${x.digest === '-' ? '-' : `\`${x.digest}\``} | ${cell(x.missing)} |`;
    }),
    STATUS_END,
  ];
}
