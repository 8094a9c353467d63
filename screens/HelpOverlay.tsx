import { Box, Text } from 'ink';
import React from 'react';
import type { Binding } from '../src/app/keymap.ts';

/** Every key of the current screen, straight from the key table; two columns when space is short. */
export function HelpOverlay({ bindings, height }: { bindings: readonly Binding[]; height: number }) {
  const perColumn = Math.max(1, height - 3);
  const columns: (readonly Binding[])[] = [];
  for (let i = 0; i < bindings.length; i += perColumn) columns.push(bindings.slice(i, i + perColumn));
  const keyWidth = Math.max(...bindings.map((b) => b.keys.join(', ').length));
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1} height={height} overflow="hidden">
      <Text bold>Keys (esc or ? closes)</Text>
      <Box gap={3}>
        {columns.map((col, i) => (
          <Box key={i} flexDirection="column" flexShrink={1}>
            {col.map((b) => (
              <Text key={b.keys.join()} wrap="truncate">
                <Text bold color={b.dangerous ? 'red' : undefined}>
                  {b.keys.join(', ').padEnd(keyWidth)}
                </Text>
                {'  '}
                {b.description}
              </Text>
            ))}
          </Box>
        ))}
      </Box>
    </Box>
  );
}
