import { Box, Text } from 'ink';
import React from 'react';
import type { AppModel } from '../app-model.ts';

export function Header({ model, now }: { model: AppModel; now: Date }) {
  const id = model.identity;
  return (
    <Box justifyContent="space-between">
      <Box gap={1}>
        <Text bold>lab-tui</Text>
        {id ? (
          <>
            <Text>{id.name}</Text>
            <Text inverse color={id.simulated ? 'cyan' : 'magenta'}>
              {id.simulated ? ' SIMULATED ' : ' REAL '}
            </Text>
            {id.childHome === 'real' && (
              <Text inverse color="yellow">
                {' CHILD HOME: REAL '}
              </Text>
            )}
            <Text dimColor>
              {id.context} → {id.server}
            </Text>
          </>
        ) : (
          <Text color="red">no sandbox</Text>
        )}
      </Box>
      <Text>{now.toTimeString().slice(0, 5)}</Text>
    </Box>
  );
}
