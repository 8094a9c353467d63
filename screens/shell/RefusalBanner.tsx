import { Box, Text } from 'ink';
import React from 'react';
import type { RefusalView } from '../app-model.ts';

/** Blocking: while shown, nothing is sent anywhere; only help and quit work. */
export function RefusalBanner({ refusal }: { refusal: RefusalView }) {
  return (
    <Box flexDirection="column" borderStyle="double" borderColor="red" paddingX={1}>
      <Text bold color="red">
        REFUSED by the isolation guard — nothing was sent
      </Text>
      <Text>target: {refusal.target}</Text>
      <Text>rule:   {refusal.rule}</Text>
      <Text>reason: {refusal.reason}</Text>
      <Text>fix:    {refusal.fix}</Text>
      <Text dimColor>press q to quit (exit code 3)</Text>
    </Box>
  );
}
