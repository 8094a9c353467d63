import { Box, Text } from 'ink';
import React from 'react';
import type { DeskState } from '../../engine/runbook/runbook-desk.ts';
import { elapsed, fit } from '../../src/app/runbooks/text-layout.ts';

const OUTCOME_COLOR = { passed: 'green', 'passed-with-improvisation': 'yellow', failed: 'red', running: 'cyan' } as const;

/** The drills with their last run; the fault is named and the target shown before it is injected. */
export function DrillPicker({ desk, selected, confirming, sandbox, width, height }: { desk: DeskState; selected: number; confirming?: string; sandbox: string; width: number; height: number }) {
  const last = (id: string) => desk.evidence.find((r) => r.drill === id);
  const rows = desk.drills.map((d) => {
    const r = last(d.id);
    return { d, r, cells: [d.id, d.changeClass, `${d.fault.kind}${d.fault.target ? ` ${d.fault.target}` : ''}`, d.runbook.section, r ? `${r.startedAt.slice(5, 16).replace('T', ' ')} ${r.outcome}${r.timeToRecover ? ` ${elapsed(r.timeToRecover.totalMs)}` : ''}` : 'never'] };
  });
  const widths = [18, 8, 26, 24];
  const line = (cells: string[]) => fit(cells.map((c, i) => (i < widths.length ? fit(c, widths[i]!) : c)).join('  '), width);
  const chosen = desk.drills.find((d) => d.id === confirming);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold>{fit(' Drills: rehearse a failure, recover by the runbook, timed', width)}</Text>
      <Text dimColor>{line(['DRILL', 'CLASS', 'FAULT', 'RUNBOOK SECTION', 'LAST RUN'])}</Text>
      {rows.slice(0, Math.max(1, height - 6)).map(({ d, r, cells }, i) => (
        <Text key={d.id} inverse={i === selected} color={r ? OUTCOME_COLOR[r.outcome] : undefined}>
          {line(cells)}
        </Text>
      ))}
      {chosen ? (
        <Text color="red" bold>
          {fit(`inject ${chosen.fault.kind}${chosen.fault.target ? ` ${chosen.fault.target}` : ''} into sandbox ${sandbox} (${chosen.changeClass})? enter again to start, esc to cancel`, width)}
        </Text>
      ) : null}
      {desk.error ? <Text color="red">{fit(desk.error, width)}</Text> : null}
    </Box>
  );
}
