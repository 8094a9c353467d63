import { Box, Text } from 'ink';
import React from 'react';
import type { Drill } from '../../engine/drills/drill-types.ts';
import type { DeskState } from '../../engine/cockpit/types.ts';
import type { ProbeSpec } from '../../engine/runbook/types.ts';
import { selectedIndex } from '../list/list-model.ts';
import { elapsed, fit, wrap } from '../shell/text-layout.ts';
import type { UiState } from '../ui-state.ts';

const OUTCOME_COLOR = { passed: 'green', 'passed-with-improvisation': 'yellow', failed: 'red', interrupted: 'magenta', running: 'cyan' } as const;

const probe = (p: ProbeSpec) => `${p.probe}${Object.entries(p.params).map(([k, v]) => ` ${k}=${v}`).join('')}`;
const fault = (d: Drill) => `${d.fault.kind}${d.fault.target ? ` ${d.fault.target}` : ''}`;

/** What the operator reads before injecting: what breaks, how, what the runbook must restore, and by when. */
function detailLines(desk: DeskState, d: Drill, width: number): { text: string; color?: string; bold?: boolean }[] {
  const runs = desk.evidence.filter((r) => r.drill === d.id).slice(0, 3);
  return [
    { text: `${d.id}: ${d.title}`, bold: true },
    ...(d.origin === 'lab' ? [{ text: `the lab's own drill: ${d.file}`, color: 'cyan' }] : []),
    ...wrap(d.description, width, 3).map((text) => ({ text, color: 'gray' })),
    { text: `change-class  ${d.changeClass}        time limit  ${elapsed(d.timeLimitMs)}` },
    { text: `fault         ${fault(d)}` },
    { text: `injected by   ${desk.injection?.[d.id] ?? '…'}`, color: 'magenta' },
    { text: `runbook       ${d.runbook.file} § ${d.runbook.section}` },
    { text: `steady state  ${d.steadyState.map(probe).join(', ') || '(none)'}` },
    { text: `acceptance    ${d.acceptance.map(probe).join(', ')}` },
    { text: `cleanup       ${d.cleanup.map((c) => `${c.kind}${c.target ? ` ${c.target}` : ''}`).join(', ') || '(none)'}` },
    { text: `last runs     ${runs.map((r) => `${r.startedAt.slice(5, 16).replace('T', ' ')} ${r.outcome}${r.timeToRecover ? ` ${elapsed(r.timeToRecover.totalMs)}` : ''}`).join(' · ') || 'never'}` },
  ];
}

/** The drills with their last run, and the selected drill in full; the fault is named, and the sandbox, before it is injected. */
export function DrillsScreen({ desk, ui, sandbox, width, height }: { desk: DeskState; ui: UiState['drills']; sandbox: string; width: number; height: number }) {
  const selected = selectedIndex(ui.list, desk.drills.map((d) => d.id));
  const last = (id: string) => desk.evidence.find((r) => r.drill === id);
  const widths = [18, 7, 8, 26, 24];
  const line = (cells: string[]) => fit(cells.map((c, i) => (i < widths.length ? fit(c, widths[i]!) : c)).join('  '), width);
  const chosen = desk.drills[selected];
  const confirming = desk.drills.find((d) => d.id === ui.confirming);
  const extra = (confirming ? 1 : 0) + (desk.error ? 1 : 0);
  const lines = chosen ? detailLines(desk, chosen, width - 2) : [];
  // The list keeps a few rows on a short terminal; the detail takes what is left.
  const listRows = Math.min(desk.drills.length, Math.max(Math.min(desk.drills.length, 8), height - 3 - lines.length - extra));
  const detail = lines.slice(0, Math.max(0, height - 3 - listRows - extra));
  const start = Math.min(Math.max(0, selected - listRows + 1), Math.max(0, desk.drills.length - listRows));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold>{fit(' Drills: rehearse a failure, recover by the runbook, timed', width)}</Text>
      <Text dimColor>{line(['DRILL', 'FROM', 'CLASS', 'FAULT', 'RUNBOOK SECTION', 'LAST RUN'])}</Text>
      {desk.drills.slice(start, start + listRows).map((d, i) => {
        const r = last(d.id);
        return (
          <Text key={d.id} inverse={start + i === selected} color={r ? OUTCOME_COLOR[r.outcome] : undefined}>
            {line([d.id, d.origin, d.changeClass, fault(d), d.runbook.section, r ? `${r.startedAt.slice(5, 16).replace('T', ' ')} ${r.outcome}${r.timeToRecover ? ` ${elapsed(r.timeToRecover.totalMs)}` : ''}` : 'never'])}
          </Text>
        );
      })}
      <Text dimColor>{'─'.repeat(width)}</Text>
      {detail.map((l, i) => (
        <Text key={i} color={l.color} bold={l.bold}>
          {fit(` ${l.text}`, width)}
        </Text>
      ))}
      {confirming ? (
        <Text color="red" bold>
          {fit(`inject ${fault(confirming)} into sandbox ${sandbox} (drill ${confirming.id}, ${confirming.changeClass})? enter again to start, esc to cancel`, width)}
        </Text>
      ) : null}
      {desk.error ? <Text color="red">{fit(desk.error, width)}</Text> : null}
    </Box>
  );
}
