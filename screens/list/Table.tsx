import { Box, Text } from 'ink';
import React from 'react';
import type { Row } from '../dashboard/views.ts';

const TONE_COLOR = { ok: 'green', warn: 'yellow', bad: 'red', dim: 'gray' } as const;

export interface TableProps {
  title: string;
  columns: string[];
  rows: Row[];
  selected: number;
  focused: boolean;
  /** Lines available, title and header included. */
  height: number;
  width: number;
  filter?: string;
  stale?: string;
  /** The list was refused (403): what it needs, shown where its rows would be. */
  forbidden?: string;
}

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text.padEnd(width);
}

/** Column widths from content, the last column taking what is left; rows scroll to keep the selection visible. */
export function Table({ title, columns, rows, selected, focused, height, width, filter, stale, forbidden }: TableProps) {
  // Every line is cut to the width here, so Ink never has to truncate (slow) or wrap it.
  const natural = columns.map((c, i) => Math.min(40, Math.max(c.length, ...rows.map((r) => (r.cells[i] ?? '').length))));
  const fixed = natural.slice(0, -1).reduce((sum, w) => sum + w + 2, 0);
  const widths = [...natural.slice(0, -1), Math.max(1, width - fixed)];
  const line = (cells: string[]) => fit(cells.map((c, i) => fit(c, widths[i]!)).join('  '), width);
  const bodyHeight = Math.max(1, height - 2);
  const start = Math.min(Math.max(0, selected - bodyHeight + 1), Math.max(0, rows.length - bodyHeight));
  const shown = rows.slice(start, start + bodyHeight);
  return (
    <Box flexDirection="column" height={height} width={width}>
      <Text wrap="truncate">
        <Text bold inverse={focused}>{` ${title} `}</Text>
        <Text dimColor>{` ${rows.length}`}</Text>
        {filter ? <Text color="cyan">{`  /${filter}`}</Text> : null}
        {stale ? <Text color="red">{`  STALE since ${stale}`}</Text> : null}
      </Text>
      <Text dimColor wrap="truncate">
        {line(columns)}
      </Text>
      {forbidden ? (
        <Text color="red" wrap="truncate">
          {fit(`  ${forbidden}`, width)}
        </Text>
      ) : null}
      {shown.length === 0 && !forbidden ? <Text dimColor>{filter ? '  (nothing matches the filter)' : '  (none)'}</Text> : null}
      {shown.map((r, i) => (
        <Text key={r.id} wrap="truncate" color={stale ? 'gray' : r.tone ? TONE_COLOR[r.tone] : undefined} inverse={focused && start + i === selected}>
          {line(r.cells)}
        </Text>
      ))}
    </Box>
  );
}
