import { Text } from 'ink';
import React from 'react';
import type { SourceState } from '../../engine/health/types.ts';
import { clock, duration } from './format.ts';

const COLOR = { live: 'green', connecting: 'yellow', stale: 'red', down: 'red', refused: 'red' } as const;

/** Each source says "live" or "stale since HH:MM:SS" with the outage running; never silently old. Errors are in the component rows. */
export function SourceStrip({ sources, now, listing = [] }: { sources: SourceState[]; now: Date; listing?: string[] }) {
  return (
    <Text wrap="truncate">
      {sources.map((s) => (
        <Text key={s.id} color={COLOR[s.status]}>
          {`● ${s.id} `}
          {s.status === 'stale'
            ? `stale since ${clock(s.since)} (outage ${duration(now.getTime() - new Date(s.since).getTime())})`
            : s.status === 'down'
              ? `down since ${clock(s.since)}`
              : s.status === 'live' && s.id === 'kubernetes' && listing.length
                ? `live (listing ${listing.join(', ')}…)`
                : s.status}
          {'   '}
        </Text>
      ))}
    </Text>
  );
}
