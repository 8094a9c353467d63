import { Box, Text } from 'ink';
import React from 'react';
import type { ProposalReview as Review } from '../../engine/cockpit/types.ts';
import { selectedIndex, type ListState } from '../list/list-model.ts';
import { fit } from '../shell/text-layout.ts';

/** The proposed runbook changes, each with the Markdown it inserts; nothing is pushed before enter. */
export function ProposalReview({ review, list, width, height }: { review: Review; list: ListState; width: number; height: number }) {
  const selected = selectedIndex(list, review.edits.map((e) => e.id));
  const chosen = review.edits[selected];
  const kept = review.edits.filter((e) => !e.dropped).length;
  const status =
    review.status === 'proposing'
      ? { text: 'pushing the branch and opening the draft PR…', color: 'cyan' }
      : review.status === 'failed'
        ? { text: `failed: ${review.error ?? ''}`, color: 'red' }
        : review.status === 'done' && review.result
          ? review.result.url
            ? { text: `draft PR ${review.result.existed ? '(already open) ' : ''}${review.result.url}  (branch ${review.result.branch})`, color: 'green' }
            : { text: `not opened: ${review.result.next ?? ''} — patch: ${review.result.patch ?? ''}`, color: 'yellow' }
          : { text: `${kept} of ${review.edits.length} change(s) kept: enter proposes them as a draft PR`, color: 'magenta' };
  const previewHeight = Math.max(1, height - review.edits.length - 4);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold>{fit(` Propose runbook changes from run ${review.runId}`, width)}</Text>
      {review.edits.map((e, i) => (
        <Text key={e.id} inverse={i === selected} dimColor={e.dropped} strikethrough={e.dropped}>
          {fit(`${e.dropped ? '✗' : '✓'} ${e.id}  ${e.summary}`, width)}
        </Text>
      ))}
      <Text dimColor>{fit(` inserted after line ${chosen?.afterLine ?? '?'}:`, width)}</Text>
      {(chosen?.markdown.split('\n') ?? []).slice(0, previewHeight).map((l, i) => (
        <Text key={i} color="cyan">
          {fit(l, width)}
        </Text>
      ))}
      <Text color={status.color}>{fit(status.text, width)}</Text>
    </Box>
  );
}
