import { Box, Text } from 'ink';
import React from 'react';
import type { Timeline } from '../../engine/drills/timeline.ts';
import { timelineLines, type TimelineLine } from '../evidence/timeline-lines.ts';
import { clock } from '../shell/format.ts';
import { fit } from '../shell/text-layout.ts';
import { WATCH_BINDINGS, type WatchState } from './watch-keys.ts';

/** The state of each watched subject as the journal last recorded it: the health the operator saw. */
function healthNow(t: Timeline): { subject: string; state: string; at: string }[] {
  const last = new Map<string, { state: string; at: string }>();
  for (const h of t.health) last.set(h.subject, { state: h.to, at: h.at });
  return [...last].map(([subject, v]) => ({ subject, ...v })).sort((a, b) => a.subject.localeCompare(b.subject));
}

const BAD = /NotReady|sealed$|faulted|degraded|Degraded|OutOfSync|stale|down|absent/;

/** Read-only: the run's timeline as it grows, and the health its journal recorded, for a second screen in the game-day room. */
export function WatchScreen({ file, timeline, problems, state, width, height }: { file: string; timeline?: Timeline; problems: number; state: WatchState; width: number; height: number }) {
  const side = 30;
  const main = Math.max(30, width - side - 1);
  const body = Math.max(1, height - 3);
  const lines: TimelineLine[] = timeline ? timelineLines(timeline, main) : [{ text: `waiting for ${file}…`, dim: true }];
  const from = Math.min(state.scroll, Math.max(0, lines.length - body));
  const health = timeline ? healthNow(timeline) : [];
  const title = timeline ? `${timeline.drill ? `drill ${timeline.drill.id}: ${timeline.drill.title}` : 'runbook run'} · run ${timeline.runId}` : file;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate">
        <Text bold>lab-tui watch </Text>
        <Text inverse color="cyan">
          {' OBSERVER · READ-ONLY '}
        </Text>
        <Text>{` ${title}`}</Text>
      </Text>
      <Text dimColor>{fit(` ${file}${problems ? ` · ${problems} unreadable line(s)` : ''}${timeline ? ` · last record ${clock(timeline.lastAt)}` : ''}`, width)}</Text>
      <Box flexDirection="row" height={body}>
        <Box flexDirection="column" width={main}>
          {state.help
            ? WATCH_BINDINGS.map((b) => <Text key={b.label}>{fit(`${b.keys.join(', ').padEnd(14)} ${b.description}`, main)}</Text>)
            : lines.slice(from, from + body).map((l, i) => (
                <Text key={i} color={l.color} dimColor={l.dim}>
                  {fit(` ${l.text}`, main)}
                </Text>
              ))}
        </Box>
        <Box flexDirection="column" width={side} marginLeft={1}>
          <Text bold>{fit('Health (from the journal)', side)}</Text>
          {health.length === 0 ? <Text dimColor>{fit('no transition recorded yet', side)}</Text> : null}
          {health.slice(0, body - 1).map((h) => (
            <Text key={h.subject} color={BAD.test(h.state) ? 'red' : 'green'}>
              {fit(`${h.subject} ${h.state}`, side)}
            </Text>
          ))}
        </Box>
      </Box>
      <Text dimColor wrap="truncate">
        {WATCH_BINDINGS.filter((b) => b.hint).map((b) => `${b.label} ${b.hint}`).join('  ·  ')}
      </Text>
    </Box>
  );
}
