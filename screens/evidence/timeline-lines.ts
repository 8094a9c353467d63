import type { Timeline } from '../../engine/drills/timeline.ts';
import type { TimeToRecover } from '../../engine/runbook/run-types.ts';
import { clock } from '../shell/format.ts';
import { elapsed } from '../shell/text-layout.ts';

export interface TimelineLine {
  text: string;
  color?: string;
  dim?: boolean;
}

const OUTCOME_COLOR: Record<string, string> = { passed: 'green', 'passed-with-improvisation': 'yellow', failed: 'red', interrupted: 'magenta', aborted: 'red' };
const STEP_COLOR: Record<string, string> = { done: 'green', failed: 'red', aborted: 'red', skipped: 'yellow', running: 'cyan', verifying: 'cyan' };

/** The time-to-recover split as one bar, each part's share of the width: where the time went. */
export function ttrBar(t: TimeToRecover, width: number): TimelineLine[] {
  const parts = [
    { name: 'detection', ms: t.detectionMs ?? 0, mark: '▓' },
    { name: 'operator', ms: t.humanMs, mark: '█' },
    { name: 'engine', ms: t.agentMs, mark: '▒' },
    { name: 'verification', ms: t.verifyMs, mark: '░' },
  ];
  const total = Math.max(1, parts.reduce((n, p) => n + p.ms, 0));
  const room = Math.max(10, width - 4);
  const bar = parts.map((p) => p.mark.repeat(Math.round((p.ms / total) * room))).join('');
  return [
    { text: `time to recover ${elapsed(t.totalMs)}: ${parts.map((p) => `${p.mark} ${p.name} ${elapsed(p.ms)}`).join('  ')}`, color: 'magenta' },
    { text: bar || '(no time recorded)', color: 'magenta' },
  ];
}

/** Everything the run left, in time order, one line each: what the Evidence timeline and `lab-tui watch` show. */
export function timelineLines(t: Timeline, width: number): TimelineLine[] {
  const t0 = Date.parse(t.fault?.at ?? t.startedAt);
  const at = (iso: string) => `${clock(iso)} ${Date.parse(iso) >= t0 ? '+' : '-'}${elapsed(Math.abs(Date.parse(iso) - t0)).padStart(5)}`;
  const events: { at: string; line: TimelineLine }[] = [];
  const add = (iso: string | undefined, line: TimelineLine) => iso && events.push({ at: iso, line: { ...line, text: `${at(iso)}  ${line.text}` } });
  add(t.fault?.at, { text: `FAULT     ${t.fault?.kind}${t.fault?.target ? ` ${t.fault.target}` : ''}: ${t.fault?.detail}`, color: 'red' });
  add(t.detection?.at, { text: `DETECTED  ${t.detection?.probe}: ${t.detection?.detail}`, color: 'yellow' });
  for (const s of t.steps) {
    const took = s.durationMs !== undefined ? elapsed(s.durationMs) : 'running';
    const why = s.reason ?? s.note;
    // What happened first, the step's title last: on a narrow screen the title is what gets cut.
    add(s.start, { text: `STEP ${String(s.number).padStart(2)}   ${s.outcome.padEnd(9)} ${s.who.padEnd(8)} ${took.padStart(7)}  [${s.kind}] ${s.title}${s.attempts > 1 ? ` (${s.attempts} attempts)` : ''}${why ? `: ${why}` : ''}`, color: STEP_COLOR[s.outcome] });
  }
  for (const i of t.improvised) add(i.at, { text: `IMPROVISED ${i.text}${i.command ? ` $ ${i.command}` : ''}${i.status ? ` → ${i.status}` : ''}`, color: 'magenta' });
  for (const h of t.health) add(h.at, { text: `health    ${h.subject}: ${h.from} → ${h.to}`, dim: true });
  add(t.acceptance?.at, { text: 'ACCEPTANCE met: the clock stops', color: 'green' });
  for (const c of t.cleanup) add(c.at, { text: `cleanup   ${c.kind}${c.target ? ` ${c.target}` : ''}: ${c.ok ? 'ok' : 'FAILED'} ${c.detail}`, color: c.ok ? undefined : 'red' });
  const sorted = events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at)).map((e) => e.line);
  const notStarted = t.steps.filter((s) => !s.start).map((s) => ({ text: `${' '.repeat(17)}STEP ${String(s.number).padStart(2)}   ${s.outcome.padEnd(9)} ${'not started'.padEnd(16)}  [${s.kind}] ${s.title}${s.reason ? `: ${s.reason}` : ''}`, color: STEP_COLOR[s.outcome] ?? 'gray' }));
  const state = t.running ? { text: `RUNNING: last record ${clock(t.lastAt)}, the timeline grows as the drill goes on`, color: 'cyan' } : { text: `${(t.outcome ?? 'finished').toUpperCase()}${t.reason ? `: ${t.reason}` : ''}`, color: OUTCOME_COLOR[t.outcome ?? ''] };
  return [state, ...(t.timeToRecover ? ttrBar(t.timeToRecover, width) : []), ...sorted, ...notStarted];
}
