import { Box, Text } from 'ink';
import React from 'react';
import type { Binding } from '../src/app/keymap.ts';

export function HintBar({ bindings, cmdline, message }: { bindings: readonly Binding[]; cmdline?: string; message?: string }) {
  if (cmdline !== undefined)
    return (
      <Box>
        <Text color="cyan">:{cmdline}</Text>
        <Text inverse> </Text>
      </Box>
    );
  return (
    <Box gap={2}>
      {message ? <Text color="yellow">{message}</Text> : null}
      <Text dimColor>1-5 screens</Text>
      {bindings
        .filter((b) => b.hint)
        .map((b) => (
          <Text key={b.label} dimColor>
            <Text bold>{b.label}</Text> {b.description.split(':')[0]}
          </Text>
        ))}
    </Box>
  );
}
