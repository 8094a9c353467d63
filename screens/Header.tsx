import { Box, Text } from 'ink';
import React, { useEffect, useState } from 'react';
import type { AppModel } from '../src/app/model.ts';

const CONNECTION_COLOR = { connecting: 'yellow', verified: 'green', unreachable: 'red', refused: 'red' } as const;

function useClock(now: () => Date): string {
  const [t, setT] = useState(() => now());
  useEffect(() => {
    const timer = setInterval(() => setT(now()), 1000);
    return () => clearInterval(timer);
  }, [now]);
  return t.toTimeString().slice(0, 8);
}

export function Header({ model, now }: { model: AppModel; now: () => Date }) {
  const clock = useClock(now);
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
            <Text dimColor>
              {id.context} → {id.server}
            </Text>
          </>
        ) : (
          <Text color="red">no sandbox</Text>
        )}
        <Text color={CONNECTION_COLOR[model.kubernetes.state]}>k8s: {model.kubernetes.state}</Text>
      </Box>
      <Text>{clock}</Text>
    </Box>
  );
}
