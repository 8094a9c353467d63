import { Text } from 'ink';
import React from 'react';
import type { Binding } from '../keys/binding.ts';
import type { Prompt } from './prompt.ts';

/**
 * One line: the prompt being typed, else the `:` line, else a question with the keys that answer
 * it, else a message, else the keys that work
 * now (generated from the bindings the dispatcher runs, so it cannot list a key that does nothing).
 */
export function HintBar({ bindings, cmdline, message, prompt, question }: { bindings: readonly Binding[]; cmdline?: string; message?: string; prompt?: Prompt; question?: string }) {
  if (prompt)
    return (
      <Text color="magenta" wrap="truncate">
        {prompt.label}: {prompt.text}
        <Text inverse> </Text>
        <Text dimColor>{prompt.purpose === 'filter' ? '  (enter keep, esc clear)' : '  (enter ok, esc cancel)'}</Text>
      </Text>
    );
  if (cmdline !== undefined)
    return (
      <Text color="cyan" wrap="truncate">
        :{cmdline}
        <Text inverse> </Text>
      </Text>
    );
  const screens = bindings.some((b) => b.keys.includes('1')) ? ['1-5 screens'] : [];
  const hints = bindings.filter((b) => b.hint).map((b) => `${b.label} ${b.hint}`);
  if (question)
    return (
      <Text color="yellow" wrap="truncate">
        {message ?? question} <Text bold>{hints.join('  ·  ')}</Text>
      </Text>
    );
  if (message)
    return (
      <Text color="yellow" wrap="truncate">
        {message}
      </Text>
    );
  return (
    <Text dimColor wrap="truncate">
      {[...screens, ...hints].join('  ·  ')}
    </Text>
  );
}
