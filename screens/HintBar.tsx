import { Text } from 'ink';
import React from 'react';
import type { Binding } from '../src/app/keymap.ts';

/** One line, generated from the key table; a message (e.g. an unknown `:` name) takes precedence. */
export function HintBar({ bindings, cmdline, message, prompt }: { bindings: readonly Binding[]; cmdline?: string; message?: string; prompt?: { label: string; text: string } }) {
  if (prompt)
    return (
      <Text color="magenta" wrap="truncate">
        {prompt.label}: {prompt.text}
        <Text inverse> </Text>
        <Text dimColor>  (enter ok, esc cancel)</Text>
      </Text>
    );
  if (cmdline !== undefined)
    return (
      <Text color="cyan" wrap="truncate">
        :{cmdline}
        <Text inverse> </Text>
      </Text>
    );
  if (message)
    return (
      <Text color="yellow" wrap="truncate">
        {message}
      </Text>
    );
  const hints = bindings.filter((b) => b.hint).map((b) => `${b.label} ${b.hint}`);
  return (
    <Text dimColor wrap="truncate">
      {['1-5 screens', ...hints].join('  ·  ')}
    </Text>
  );
}
