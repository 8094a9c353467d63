import { Box, Text } from 'ink';
import React from 'react';
import type { AppModel } from '../src/app/model.ts';
import type { ScreenInfo } from '../src/app/screens.ts';

export function PlaceholderScreen({ screen, model }: { screen: ScreenInfo; model: AppModel }) {
  return (
    <Box flexDirection="column" paddingX={1}>
      <Text bold>{screen.title}</Text>
      <Text dimColor>arrives with {screen.arrivesWith}</Text>
      <Text dimColor>target: {model.origin}</Text>
      {model.kubernetes.detail ? <Text color="yellow">{model.kubernetes.detail}</Text> : null}
    </Box>
  );
}
