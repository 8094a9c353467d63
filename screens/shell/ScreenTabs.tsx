import { Box, Text } from 'ink';
import React from 'react';
import { SCREENS, type ScreenId } from '../ui-state.ts';

export function ScreenTabs({ current }: { current: ScreenId }) {
  return (
    <Box gap={2}>
      {SCREENS.map((s) => (
        <Text key={s.id} inverse={s.id === current} bold={s.id === current}>
          {` ${s.key} ${s.title} `}
        </Text>
      ))}
    </Box>
  );
}
