import { Box, Text } from 'ink';
import React from 'react';
import type { Timeline } from '../../engine/drills/timeline.ts';
import { fit } from '../shell/text-layout.ts';
import { timelineLines } from './timeline-lines.ts';

/** One run's timeline, scrolled; a running drill's grows as its journal does. */
export function TimelineView({ timeline, file, scroll, width, height }: { timeline?: Timeline; file: string; scroll: number; width: number; height: number }) {
  if (!timeline) return <Text dimColor>{fit(` reading ${file}…`, width)}</Text>;
  const lines = timelineLines(timeline, width);
  const room = Math.max(1, height - 1);
  const from = Math.min(scroll, Math.max(0, lines.length - room));
  const below = lines.length - from - room;
  const shown = below > 0 ? [...lines.slice(from, from + room - 1), { text: `… ${below + 1} more line(s): j or pgdn`, dim: true }] : lines.slice(from, from + room);
  const title = `${timeline.drill ? `drill ${timeline.drill.id}: ${timeline.drill.title}` : 'runbook run'} · run ${timeline.runId}`;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold>{fit(` Timeline: ${title}`, width)}</Text>
      {shown.map((l, i) => (
        <Text key={i} color={l.color} dimColor={l.dim}>
          {fit(` ${l.text}`, width)}
        </Text>
      ))}
    </Box>
  );
}
