import { Box, Text } from 'ink';
import React from 'react';
import { GATE_NAMES } from '../../engine/gates/gate-result.ts';
import type { DeskState } from '../../engine/cockpit/types.ts';
import { selectedIndex } from '../list/list-model.ts';
import { fit } from '../shell/text-layout.ts';
import type { UiState } from '../ui-state.ts';
import { gateDetails, gateRow } from './gate-details.ts';

const WIDTHS = [12, 10, 16];
/** Title, column header, the gates, the rule above the details. */
const FIXED_LINES = 3 + GATE_NAMES.length;

/** The last result of each fidelity gate, when it was taken, and below the selected gate every check. */
export function GatesScreen({ desk, ui, width, height }: { desk: DeskState; ui: UiState['gates']; width: number; height: number }) {
  const selected = selectedIndex(ui.list, GATE_NAMES);
  const scroll = ui.scroll;
  const line = (cells: string[]) => fit(` ${cells.map((c, i) => (i < WIDTHS.length ? fit(c, WIDTHS[i]!) : c)).join('  ')}`, width);
  const gate = GATE_NAMES[selected]!;
  const details = gateDetails(desk, gate);
  const room = Math.max(1, height - FIXED_LINES - (desk.error ? 1 : 0));
  const from = Math.min(scroll, Math.max(0, details.length - 1));
  const below = details.length - from - room;
  // The last line says what is cut off rather than cutting silently.
  const shown = below > 0 ? [...details.slice(from, from + room - 1), { text: `… ${below + 1} more line(s): pgdn`, dim: true }] : details.slice(from, from + room);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold>{fit(' Fidelity gates: is the sandbox still faithful to prod?', width)}</Text>
      <Text dimColor>{line(['GATE', 'RESULT', 'LAST RESULT', 'SUMMARY'])}</Text>
      {GATE_NAMES.map((g, i) => {
        const row = gateRow(desk, g);
        return (
          <Text key={g} inverse={i === selected} color={row.color}>
            {line(row.cells)}
          </Text>
        );
      })}
      <Text dimColor>{`─ ${gate}${from > 0 ? ` (from line ${from + 1}, pgup)` : ''} ${'─'.repeat(width)}`.slice(0, width)}</Text>
      {shown.map((l, i) => (
        <Text key={i} color={l.color} dimColor={l.dim}>
          {fit(` ${l.text}`, width)}
        </Text>
      ))}
      {desk.error ? <Text color="red">{fit(desk.error, width)}</Text> : null}
    </Box>
  );
}
