import { Box, Text } from 'ink';
import React from 'react';
import type { DeskState } from '../../engine/cockpit/types.ts';
import { selectedIndex, type ListState } from '../list/list-model.ts';
import { fit } from '../shell/text-layout.ts';

/** The procedures of every runbook, with their size and last rehearsal; enter starts one. */
export function RunbookPicker({ desk, list, width, height }: { desk: DeskState; list: ListState; width: number; height: number }) {
  const selected = selectedIndex(list, desk.sections.map((s) => `${s.file}#${s.section}`));
  // The runbook's status and Last Updated date (house style) beside it, so a stale or draft runbook is seen before it is followed.
  // The status's emoji is left out: its width differs from terminal to terminal and would shift the columns.
  const rows = desk.sections.map((s) => [s.runbook, [s.status?.replace(/^[^\p{L}\p{N}]+/u, ''), s.lastUpdated].filter(Boolean).join(' ') || '-', s.title, `${s.steps} (${s.agentSteps} agent)`, s.lastRun ? `${s.lastRun.at.slice(0, 16).replace('T', ' ')} ${s.lastRun.status}` : 'never']);
  const header = ['RUNBOOK', 'STATUS', 'PROCEDURE', 'STEPS', 'LAST REHEARSAL'];
  const natural = (i: number, min: number, max: number) => Math.min(max, Math.max(min, header[i]!.length, ...rows.map((r) => r[i]!.length)));
  const widths = [natural(0, 7, 24), natural(1, 6, 22), natural(2, 9, 40), 12];
  // On a narrow terminal the runbook's name (the same on many rows) gives way first, then the procedure's title, so the last rehearsal stays whole.
  let excess = widths.reduce((a, b) => a + b + 2, 0) + natural(4, 0, 40) - width;
  for (const [i, min] of [[0, 10], [2, 16]] as const) {
    const give = Math.max(0, Math.min(excess, widths[i]! - min));
    widths[i]! -= give;
    excess -= give;
  }
  const line = (cells: string[]) => fit(cells.map((c, i) => (i < 4 ? fit(c, widths[i]!) : c)).join('  '), width);
  const listHeight = Math.max(1, height - 3 - desk.broken.length - (desk.error ? 1 : 0));
  const start = Math.min(Math.max(0, selected - listHeight + 1), Math.max(0, rows.length - listHeight));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold>{fit(' Runbooks: pick a procedure to rehearse ', width)}</Text>
      <Text dimColor>{line(header)}</Text>
      {rows.length === 0 ? <Text dimColor>{fit('  no runbooks found (sandbox.runbooks.path, or the shipped manifests/runbooks)', width)}</Text> : null}
      {rows.slice(start, start + listHeight).map((r, i) => {
        const status = desk.sections[start + i]?.lastRun?.status;
        return (
          <Text key={`${desk.sections[start + i]!.file}#${desk.sections[start + i]!.section}`} inverse={start + i === selected} color={status === 'failed' ? 'red' : status === 'interrupted' ? 'yellow' : status === 'passed' ? 'green' : undefined}>
            {line(r)}
          </Text>
        );
      })}
      {desk.broken.map((b) => (
        <Text key={b.file} color="red">
          {fit(`✗ ${b.error.split('\n')[0]}`, width)}
        </Text>
      ))}
      {desk.error ? <Text color="red">{fit(desk.error, width)}</Text> : null}
    </Box>
  );
}
