import { Box, Text } from 'ink';
import React from 'react';
import { CHANGE_CLASSES } from '../../engine/drills/drill-types.ts';
import { cycleStart } from '../../engine/drills/promotion-gate.ts';
import { trend } from '../../engine/drills/report.ts';
import type { DeskState } from '../../engine/cockpit/types.ts';
import type { DrillRecord } from '../../engine/drills/drill-record.ts';
import { describeIntegrity } from '../../engine/runbook/journal-chain.ts';
import type { JournalIntegrity } from '../../engine/runbook/run-types.ts';
import { selectedIndex } from '../list/list-model.ts';
import { elapsed, fit } from '../shell/text-layout.ts';
import type { UiState } from '../ui-state.ts';
import { evidenceRows, evidenceRuns } from './keys.ts';
import { TimelineView } from './TimelineView.tsx';

const OUTCOME_COLOR = { passed: 'green', 'passed-with-improvisation': 'yellow', failed: 'red', interrupted: 'magenta', running: 'cyan' } as const;

/** A run without an outcome that this cockpit is not running waits for `lab-tui resume` (a crash, or left on purpose). */
function outcomeOf(r: DrillRecord, desk: DeskState): string {
  return r.outcome === 'running' && desk.drill?.file !== r.journal ? 'no outcome: lab-tui resume' : r.outcome;
}

/** A run's journal in one word: sealed, open (running or crashed), INVALID, or legacy (written before hashing). */
function journalMark(i: JournalIntegrity): string {
  if (i.status === 'invalid') return 'INVALID';
  if (i.status === 'unverifiable') return 'legacy';
  return i.sealed ? 'sealed' : 'open';
}

/** Per drill its runs, newest first, with the trend; which change-classes this cycle rehearsed. Enter opens a run's timeline. */
export function EvidenceScreen({ desk, ui, now, width, height }: { desk: DeskState; ui: UiState['evidence']; now: Date; width: number; height: number }) {
  if (ui.open) return <TimelineView timeline={desk.timeline?.run === ui.open ? desk.timeline.timeline : undefined} file={ui.open} scroll={ui.scroll} width={width} height={height} />;
  const since = cycleStart(now).getTime();
  const inCycle = desk.evidence.filter((r) => Date.parse(r.startedAt) >= since);
  const classes = CHANGE_CLASSES.map((c) => {
    const runs = inCycle.filter((r) => r.changeClass === c);
    return `${c} ${runs.some((r) => r.outcome === 'passed') ? '✓' : runs.length ? '✗' : '·'}`;
  });
  const line = (cells: string[]) => fit([fit(cells[0]!, 18), fit(cells[1]!, 17), fit(cells[2]!, 26), fit(cells[3]!, 9), fit(cells[4]!, 7), fit(cells[5]!, 17), cells[6]!].join('  '), width);
  const all = evidenceRuns(desk);
  const rows = evidenceRows(desk, ui.list.filter);
  const selected = selectedIndex(ui.list, rows.map((r) => r.journal));
  const room = Math.max(1, height - 3 - desk.unreadable.length - (desk.error ? 1 : 0) - (desk.report ? 1 : 0) - (desk.verified ? 1 : 0));
  const start = Math.min(Math.max(0, selected - room + 1), Math.max(0, rows.length - room));
  const never = desk.drills.filter((d) => !desk.evidence.some((r) => r.drill === d.id)).map((d) => d.id);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold>{fit(` Evidence: ${desk.evidence.length} drill run(s); this cycle (since ${new Date(since).toISOString().slice(0, 10)}): ${classes.join('  ')}`, width)}</Text>
      <Text dimColor>{line(['DRILL', 'STARTED', 'OUTCOME', 'TTR', 'JOURNAL', 'SANDBOX', `TREND · PR${ui.list.filter ? `   /${ui.list.filter}` : ''}`])}</Text>
      {rows.length === 0 ? <Text dimColor>{fit(ui.list.filter ? '  (nothing matches the filter)' : '  no drill run yet: run one from the Drills screen (3)', width)}</Text> : null}
      {rows.slice(start, start + room).map((r, i) => {
        const newest = all.find((x) => x.drill === r.drill) === r;
        const runsTrend = newest ? trend(desk.evidence.filter((x) => x.drill === r.drill).slice(0, 12).reverse()) : '';
        return (
          <Text key={r.journal} inverse={start + i === selected} color={OUTCOME_COLOR[r.outcome]}>
            {line([newest ? r.drill : '', r.startedAt.slice(0, 16).replace('T', ' '), outcomeOf(r, desk), r.timeToRecover ? elapsed(r.timeToRecover.totalMs) : '', journalMark(r.integrity), `${r.sandbox}${r.simulated ? ' (sim)' : ''}`, `${runsTrend}${r.pr ? `  PR ${r.pr}` : ''}`])}
          </Text>
        );
      })}
      {never.length && rows.length < room ? <Text dimColor>{fit(`  never run: ${never.join(', ')}`, width)}</Text> : null}
      {desk.report ? <Text color="green">{fit(`report written: ${desk.report.file}`, width)}</Text> : null}
      {desk.verified ? (
        <Text color={desk.verified.integrity.status === 'invalid' ? 'red' : desk.verified.integrity.status === 'valid' ? 'green' : 'yellow'}>
          {fit(`journal ${desk.verified.runId}: ${describeIntegrity(desk.verified.integrity)}`, width)}
        </Text>
      ) : null}
      {desk.unreadable.map((u) => (
        <Text key={u.file + u.problem} color="red">
          {fit(`unreadable: ${u.file}: ${u.problem}`, width)}
        </Text>
      ))}
      {desk.error ? <Text color="red">{fit(desk.error, width)}</Text> : null}
    </Box>
  );
}
