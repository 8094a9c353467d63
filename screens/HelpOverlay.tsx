import { Box, Text } from 'ink';
import React from 'react';
import type { Binding } from '../src/app/keymap.ts';

export function HelpOverlay({ bindings }: { bindings: readonly Binding[] }) {
  const width = Math.max(...bindings.map((b) => b.keys.join(', ').length));
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>Keys (esc or ? closes)</Text>
      {bindings.map((b) => (
        <Text key={b.keys.join()}>
          <Text bold color={b.dangerous ? 'red' : undefined}>
            {b.keys.join(', ').padEnd(width)}
          </Text>
          {'  '}
          {b.description}
        </Text>
      ))}
    </Box>
  );
}
