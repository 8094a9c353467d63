import { Box, Text } from 'ink';
import React from 'react';
import type { DeskState } from '../../engine/runbook/runbook-desk.ts';
import { fit } from '../../src/app/runbooks/text-layout.ts';

const GATES = [
  { id: 'parity', how: 'p here, or lab-tui gate parity' },
  { id: 'idempotence', how: 'lab-tui gate idempotence --playbook P --inventory I --limit sandbox' },
  { id: 'tofu-plan', how: 'lab-tui gate tofu-plan --plan PLANFILE' },
  { id: 'canary', how: 'not available yet' },
] as const;

/** The last result of each fidelity gate, when it ran, and what drifted. */
export function GatesScreen({ desk, width, height }: { desk: DeskState; width: number; height: number }) {
  const lines: { text: string; color?: string; bold?: boolean }[] = [];
  for (const g of GATES) {
    const r = desk.gates.find((x) => x.gate === g.id);
    const running = desk.gateRunning === g.id;
    lines.push({ text: `${g.id.padEnd(12)} ${running ? 'running…' : r ? `${r.ok ? 'PASS' : 'FAIL'}  ${r.at.slice(0, 16).replace('T', ' ')}  ${r.summary}` : `never run  (${g.how})`}`, color: running ? 'cyan' : r ? (r.ok ? 'green' : 'red') : 'gray', bold: true });
    for (const c of r?.checks.filter((x) => !x.ok).slice(0, 5) ?? []) lines.push({ text: `   ✗ ${c.name}: expected ${c.expected}, observed ${c.observed}`, color: 'red' });
  }
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold>{fit(' Fidelity gates: is the sandbox still faithful to prod?', width)}</Text>
      {lines.slice(0, Math.max(1, height - 2)).map((l, i) => (
        <Text key={i} color={l.color} bold={l.bold}>
          {fit(l.text, width)}
        </Text>
      ))}
      {desk.error ? <Text color="red">{fit(desk.error, width)}</Text> : null}
    </Box>
  );
}
