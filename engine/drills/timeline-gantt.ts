import type { Timeline, TimelineStep } from './timeline.ts';

/** The words of the chart, per report language. */
export interface GanttLabels {
  faultSection: string;
  stepsSection: string;
  endSection: string;
  fault: string;
  detection: string;
  improvised: string;
  acceptance: string;
  cleanup: string;
  cleanupFailed: string;
}

/**
 * Text as Mermaid's gantt grammar takes it: `:` ends a task name, `#` and `%%` start comments,
 * `;` ends a statement, some versions stop a name at `(`/`)`, and `<`, `>`, `"` would be read as
 * HTML or a string. Mermaid decodes `#<code>;` entities after parsing, so the name still reads the same.
 */
export function mermaidText(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[#:;%()<>"]/g, (c) => `#${c.charCodeAt(0)};`);
}

/** The journal's ISO times as they are: Mermaid reads them with this format (and falls back to Date parsing). */
export const GANTT_DATE_FORMAT = 'YYYY-MM-DDTHH:mm:ss.SSSZ';

const task = (name: string, tags: string[], id: string, start: string, ms: number) => `  ${mermaidText(name)} :${[...tags, id].join(', ')}, ${start}, ${Math.max(0, Math.round(ms))}ms`;
const milestone = (name: string, id: string, at: string, tags: string[] = []) => task(name, [...tags, 'milestone'], id, at, 0);
const ms = (from: string, to: string) => Date.parse(to) - Date.parse(from);

function stepTags(s: TimelineStep): string[] {
  if (s.outcome === 'done') return ['done'];
  if (s.outcome === 'failed' || s.outcome === 'aborted') return ['crit'];
  if (s.outcome === 'running' || s.outcome === 'verifying') return ['active'];
  return [];
}

/**
 * Where a step's bar goes: its own start and duration; a running step up to the newest record;
 * a step that never started (skipped while blocked, not reached) as an empty bar where the
 * previous one ended, so every step of the run is in the chart, in order.
 */
export function stepBar(s: TimelineStep, previousEnd: string, lastAt: string): { start: string; durationMs: number } {
  if (s.start === undefined) return { start: previousEnd, durationMs: 0 };
  return { start: s.start, durationMs: s.durationMs ?? ms(s.start, lastAt) };
}

/** The run's timeline as a Mermaid gantt block: fault and detection, the runbook's steps, acceptance and cleanup. */
export function timelineGantt(t: Timeline, l: GanttLabels): string[] {
  const out = ['```mermaid', "%%{init: {'theme':'base'}}%%", 'gantt', `  dateFormat ${GANTT_DATE_FORMAT}`, '  axisFormat %H:%M:%S', '  todayMarker off'];
  if (t.fault) {
    out.push(`  section ${mermaidText(l.faultSection)}`);
    out.push(milestone(`${l.fault} ${t.fault.kind}${t.fault.target ? ` ${t.fault.target}` : ''}`, 'fault', t.fault.at, ['crit']));
    if (t.detection) out.push(task(`${l.detection} ${t.detection.probe}`, [], 'detection', t.fault.at, ms(t.fault.at, t.detection.at)));
  }
  out.push(`  section ${mermaidText(l.stepsSection)}`);
  let previousEnd = t.detection?.at ?? t.fault?.at ?? t.startedAt;
  for (const s of t.steps) {
    const bar = stepBar(s, previousEnd, t.lastAt);
    out.push(task(`${s.number} ${s.title}`, stepTags(s), `step${s.number}`, bar.start, bar.durationMs));
    previousEnd = new Date(Date.parse(bar.start) + bar.durationMs).toISOString();
  }
  t.improvised.forEach((i, n) => out.push(milestone(`${l.improvised} ${i.text}`, `improvised${n + 1}`, i.at)));
  if (t.acceptance || t.cleanup.length) {
    out.push(`  section ${mermaidText(l.endSection)}`);
    if (t.acceptance) out.push(milestone(l.acceptance, 'accepted', t.acceptance.at, ['done']));
    t.cleanup.forEach((c, n) => out.push(milestone(`${c.ok ? l.cleanup : l.cleanupFailed} ${c.kind}${c.target ? ` ${c.target}` : ''}`, `cleanup${n + 1}`, c.at, c.ok ? [] : ['crit'])));
  }
  out.push('```');
  return out;
}
