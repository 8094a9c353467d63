import { Box, Text } from 'ink';
import React from 'react';
import { cycleStart } from '../../engine/drills/promotion-gate.ts';
import { trend } from '../../engine/drills/report.ts';
import { CHANGE_CLASSES } from '../../engine/drills/drill-types.ts';
import type { DeskState } from '../../engine/runbook/runbook-desk.ts';
import { elapsed, fit } from '../../src/app/runbooks/text-layout.ts';

/** Per drill: last run, outcome, time-to-recover trend; and which change-classes this cycle rehearsed. */
export function EvidenceScreen({ desk, now, width, height }: { desk: DeskState; now: Date; width: number; height: number }) {
  const since = cycleStart(now).getTime();
  const inCycle = desk.evidence.filter((r) => Date.parse(r.startedAt) >= since);
  const classes = CHANGE_CLASSES.map((c) => {
    const runs = inCycle.filter((r) => r.changeClass === c);
    const mark = runs.some((r) => r.outcome === 'passed') ? '✓' : runs.length ? '✗' : '·';
    return `${c} ${mark}`;
  });
  const ids = [...new Set([...desk.drills.map((d) => d.id), ...desk.evidence.map((r) => r.drill)])];
  const line = (cells: string[]) => fit([fit(cells[0]!, 18), fit(cells[1]!, 17), fit(cells[2]!, 26), fit(cells[3]!, 9), cells[4]!].join('  '), width);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold>{fit(` Evidence: ${desk.evidence.length} drill run(s); this cycle (since ${new Date(since).toISOString().slice(0, 10)}): ${classes.join('  ')}`, width)}</Text>
      <Text dimColor>{line(['DRILL', 'LAST RUN', 'OUTCOME', 'TTR', 'TREND (oldest → newest)'])}</Text>
      {ids.slice(0, Math.max(1, height - 3 - desk.unreadable.length)).map((id) => {
        const runs = desk.evidence.filter((r) => r.drill === id);
        const last = runs[0];
        const runsTrend = trend(runs.slice(0, 12).reverse());
        return (
          <Text key={id} color={last?.outcome === 'failed' ? 'red' : last?.outcome === 'passed-with-improvisation' ? 'yellow' : last?.outcome === 'passed' ? 'green' : undefined}>
            {line([id, last ? last.startedAt.slice(0, 16).replace('T', ' ') : 'never', last?.outcome ?? '', last?.timeToRecover ? elapsed(last.timeToRecover.totalMs) : '', `${runsTrend}${last?.pr ? `  PR ${last.pr}` : ''}`])}
          </Text>
        );
      })}
      {desk.unreadable.map((u) => (
        <Text key={u.file + u.problem} color="red">
          {fit(`unreadable: ${u.file}: ${u.problem}`, width)}
        </Text>
      ))}
    </Box>
  );
}
