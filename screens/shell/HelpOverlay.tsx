import { Box, Text } from 'ink';
import React from 'react';
import { activeBindings } from '../dispatch.ts';
import { enabled, type Ctx } from '../keys/binding.ts';

/** Every key of the current screen as the dispatcher sees it; a disabled one says why. Two columns when space is short. */
export function HelpOverlay({ ctx, height }: { ctx: Ctx; height: number }) {
  const rows = helpRows(ctx);
  const perColumn = Math.max(1, height - 3);
  const columns: (typeof rows)[] = [];
  for (let i = 0; i < rows.length; i += perColumn) columns.push(rows.slice(i, i + perColumn));
  const keyWidth = Math.max(...rows.map((r) => r.keys.length));
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1} height={height} overflow="hidden">
      <Text bold>Keys (esc or ? closes)</Text>
      <Box gap={3}>
        {columns.map((col, i) => (
          <Box key={i} flexDirection="column" flexShrink={1}>
            {col.map((r) => (
              <Text key={r.keys} wrap="truncate" dimColor={!!r.disabled}>
                <Text bold color={r.dangerous ? 'red' : undefined}>
                  {r.keys.padEnd(keyWidth)}
                </Text>
                {'  '}
                {r.description}
                {r.disabled ? ` (now: ${r.disabled})` : ''}
              </Text>
            ))}
          </Box>
        ))}
      </Box>
    </Box>
  );
}

/** The screen's keys as they are with the help closed: what `?` explains. */
export function helpRows(ctx: Ctx): { keys: string; description: string; dangerous?: boolean; disabled?: string }[] {
  const under = { ...ctx, ui: { ...ctx.ui, help: false } };
  return activeBindings(under)
    .filter((b) => !b.keys.includes('*'))
    .map((b) => {
      const ok = enabled(b, under);
      return { keys: b.keys.join(', '), description: b.description, dangerous: b.dangerous, ...(ok === true ? {} : { disabled: ok }) };
    });
}
