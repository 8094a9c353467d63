import type { DrillRecord } from '../drills/drill-record.ts';
import { duration } from '../drills/report.ts';
import type { Redactor } from '../runbook/redact.ts';
import type { Proposal } from './types.ts';

/** The draft PR's title: what changes and where it was learnt. */
export function prTitle(p: Proposal): string {
  return `runbook: ${p.edits.length} change(s) from ${p.drill ? `drill ${p.drill}` : 'a run'} on ${p.date}`;
}

/**
 * The evidence behind the proposed edits: drill, outcome, time to recover, each improvised or
 * failed step, and where the run record lives. Redacted again on the way out: a PR is public.
 */
export function prBody(p: Proposal, drill: DrillRecord | undefined, journal: string, redactor: Redactor): string {
  const lines = [
    `Proposed by lab-tui from run \`${p.runId}\` (${p.date}): the runbook did not say everything the operator had to do.`,
    '',
    '## Evidence',
    '',
    ...(drill
      ? [
          `- Drill: **${drill.drill}** (${drill.changeClass}), outcome **${drill.outcome}**`,
          `- Time to recover: ${drill.timeToRecover ? `${duration(drill.timeToRecover.totalMs)} (detection ${duration(drill.timeToRecover.detectionMs)}, operator ${duration(drill.timeToRecover.humanMs)}, engine ${duration(drill.timeToRecover.agentMs)}, verification ${duration(drill.timeToRecover.verifyMs)})` : 'acceptance not met'}`,
          `- Sandbox: ${drill.sandbox}, operator ${drill.operator}`,
        ]
      : []),
    `- Run record: \`${journal}\``,
    `- Runbook: \`${p.runbook}\` (sha256 ${p.digest.slice(0, 12)})`,
    '',
    '## Changes',
    '',
    ...p.edits.map((e) => `- ${e.summary}`),
    '',
    'Each change is inserted where it happened, with a provenance note. Review the wording before merging.',
  ];
  return redactor.redact(lines.join('\n'));
}
