import { Box, Text } from 'ink';
import React from 'react';
import type { ScreenInfo } from '../ui-state.ts';

export function PlaceholderScreen({ screen, origin }: { screen: ScreenInfo; origin: string }) {
  return (
    <Box flexDirection="column" paddingX={1}>
      <Text bold>{screen.title}</Text>
      <Text dimColor>connecting to the sandbox…</Text>
      <Text dimColor>target: {origin}</Text>
    </Box>
  );
}
