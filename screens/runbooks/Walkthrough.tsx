import { Box, Text } from 'ink';
import React, { memo } from 'react';
import { componentStale, type Snapshot } from '../../engine/health/types.ts';
import type { DrillView } from '../../engine/drills/run-drill.ts';
import type { RunView, StepView } from '../../engine/runbook/run-view.ts';
import type { ProbeSpec, Section, Step } from '../../engine/runbook/types.ts';
import type { Binding } from '../keys/binding.ts';
import { elapsed, fit, wrap } from '../shell/text-layout.ts';
import { withDiagramsAsLabels } from './mermaid-labels.ts';
import { phaseKeys } from './walkthrough-keys.ts';

const ICON: Record<StepView['status'], string> = { pending: '·', running: '▶', verifying: '▶', done: '✓', failed: '✗', skipped: '↷', aborted: '■' };
const COLOR: Partial<Record<StepView['status'], string>> = { running: 'cyan', verifying: 'cyan', done: 'green', failed: 'red', aborted: 'red', skipped: 'yellow' };
const SPINNER = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
const HEALTH_COLOR = { healthy: 'green', degraded: 'yellow', down: 'red', unknown: 'gray' } as const;

const probeText = (p: ProbeSpec) => `${p.probe}${Object.keys(p.params).length ? ` ${Object.entries(p.params).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}${p.timeoutMs ? ` (≤ ${Math.round(p.timeoutMs / 1000)} s)` : ''}`;

/** What the step asks for in at most `height` lines: prose (cut first), then what runs, then its checks. */
function stepLines(step: Step, width: number, height: number): { text: string; color?: string }[] {
  const out: { text: string; color?: string }[] = [];
  const checks = checkLines(step);
  // A diagram reads as its node labels: Mermaid source would be noise in a terminal.
  const prose = withDiagramsAsLabels([step.intro, step.body].filter(Boolean).join('\n'));
  if (prose && height > checks.length) out.push(...wrap(prose, width, height - checks.length).map((text) => ({ text, color: 'gray' })));
  return [...out, ...checks].slice(0, Math.max(0, height)).map((l) => ({ ...l, text: fit(l.text, width) }));
}

function checkLines(step: Step): { text: string; color?: string }[] {
  const out: { text: string; color?: string }[] = [];
  if (step.lab?.action) out.push({ text: `action: ${step.lab.action}${Object.entries(step.lab.params).map(([k, v]) => `  ${k}=${v}`).join('')}`, color: 'cyan' });
  if (step.command) for (const l of step.command.code.split('\n')) out.push({ text: `$ ${l}`, color: step.kind === 'AGENT' ? 'cyan' : undefined });
  for (const r of step.lab?.requires ?? []) out.push({ text: `requires: ${probeText(r)}` });
  for (const v of step.lab?.verify ?? []) out.push({ text: `verify:   ${probeText(v)}` });
  return out;
}

function phaseLine(run: RunView, now: Date, keys: string): { text: string; color: string } {
  const step = run.steps[run.current];
  const since = step?.startedAt ? elapsed(now.getTime() - Date.parse(step.startedAt)) : '';
  const spin = SPINNER[Math.floor(now.getTime() / 1000) % SPINNER.length];
  switch (run.phase.kind) {
    case 'operator':
      return { text: `waiting for you ${since}: do it, then enter  ${keys}`, color: 'yellow' };
    case 'confirm':
      return { text: `paranoid: confirm this [AGENT] step  ${keys}`, color: 'yellow' };
    case 'running':
      return { text: `${spin} running ${since}  ${keys}`, color: 'cyan' };
    case 'verifying':
      return { text: `${spin} verifying ${run.phase.probe} ${since}: ${run.notice ?? ''}  ${keys}`, color: 'cyan' };
    case 'blocked':
      return { text: `blocked: ${run.phase.detail}  ${keys}`, color: 'red' };
    case 'failed':
      return { text: `${run.phase.detail}  ${keys}`, color: 'red' };
    case 'finished':
      return { text: `run ${run.phase.status} in ${elapsed(now.getTime() - Date.parse(run.startedAt))}  ${keys}`, color: run.phase.status === 'passed' ? 'green' : 'red' };
    case 'starting':
      return { text: 'starting…', color: 'gray' };
  }
}

export interface WalkthroughProps {
  run: RunView;
  /** Set when the run is a drill's: its clock and acceptance head the screen. */
  drill?: DrillView;
  section: Section;
  snapshot?: Snapshot;
  /** The keys that work now (the dispatcher's): the phase line names the phase's own. */
  keys: readonly Binding[];
  width: number;
  height: number;
  now: Date;
}

/** Steps on the left, the step in hand on the right, live output below, the sandbox's health at the side. */
function drillLine(d: DrillView, now: Date): { text: string; color: string } {
  const fault = Date.parse(d.faultAt);
  const clock = elapsed((d.acceptedAt ? Date.parse(d.acceptedAt) : now.getTime()) - fault);
  const met = d.acceptance.filter((a) => a.ok).length;
  const parts = [`DRILL ${d.drill.id} (${d.drill.changeClass})`, `fault ${d.faultAt.slice(11, 19)}`, d.detectedAt ? `detected +${elapsed(Date.parse(d.detectedAt) - fault)}` : 'not detected yet', `acceptance ${met}/${d.acceptance.length || d.drill.acceptance.length}`, `${d.acceptedAt ? 'recovered in' : 'clock'} ${clock}`];
  if (d.outcome) parts.push(`${d.outcome.toUpperCase()}: ${d.reason ?? ''}`);
  return { text: parts.join(' · '), color: d.outcome === 'failed' ? 'red' : d.outcome ? 'green' : 'magenta' };
}

export const Walkthrough = memo(function Walkthrough({ run, drill, section, snapshot, keys, width, height, now }: WalkthroughProps) {
  const side = 24;
  const main = Math.max(40, width - side - 1);
  const listWidth = Math.min(48, Math.floor(main * 0.42));
  const detailWidth = Math.max(20, main - listWidth - 2);
  const outputHeight = Math.max(3, Math.floor((height - 2) * 0.35));
  const topHeight = Math.max(4, height - 2 - outputHeight);
  const step = section.steps[Math.min(run.current, section.steps.length - 1)];
  const view = run.steps[run.current];
  // The outcome first: the text is what gets cut on a narrow list.
  const improvised = run.improvised.map((x) => `+ ${x.command ? (x.status === undefined ? '▶ ' : x.status.startsWith('ok') ? '✓ ' : `✗ ${x.status} `) : ''}${x.text}${x.command ? ` $ ${x.command}` : ''}`);
  const stepRows = run.steps.map((s) => {
    const time = s.durationMs !== undefined ? elapsed(s.durationMs) : s.startedAt ? elapsed(now.getTime() - Date.parse(s.startedAt)) : '';
    return { s, text: fit(`${ICON[s.status]} ${String(s.number).padStart(2)} ${s.kind === 'AGENT' ? 'A' : 'H'} ${s.title}`, listWidth - 6) + time.padStart(6) };
  });
  // The step in hand stays in view on a short terminal.
  const stepSlots = Math.max(1, topHeight - Math.min(improvised.length, 3));
  const firstStep = Math.min(Math.max(0, run.current - stepSlots + 2), Math.max(0, stepRows.length - stepSlots));
  const phase = phaseLine(run, now, phaseKeys(keys));
  // What the run waits for and its keys wrap rather than being cut; why a step is blocked or failed (a refusal names its rule and runbook line) gets a line more.
  const stuck = run.phase.kind === 'blocked' || run.phase.kind === 'failed';
  const phaseRows = wrap(phase.text, detailWidth, stuck ? 3 : 2).map((l) => fit(l, detailWidth));
  // The blocked phase already says what the step's last detail says.
  const last = view?.detail && run.phase.kind !== 'blocked' ? fit(`last: ${view.detail}`, detailWidth) : undefined;
  const title = step ? wrap(`[${step.kind}] ${step.number}. ${step.title}`, detailWidth, 3) : [];
  // Every pane is cut to its height here: Ink does not clip (see App.tsx).
  const detail = step ? stepLines(step, detailWidth, topHeight - title.length - (last ? 1 : 0) - phaseRows.length) : [];
  const output = run.output.slice(-(outputHeight - 1));
  const kubeStale = !!snapshot && snapshot.sources.some((x) => x.id === 'kubernetes' && x.status !== 'live' && x.status !== 'connecting');
  const health = snapshot
    ? [
        fit(`nodes ${snapshot.nodes.filter((n) => n.ready === 'Ready').length}/${snapshot.nodes.length} Ready${kubeStale ? ' (stale)' : ''}`, side),
        // A component whose source is not live is greyed and marked stale: its last known state is never shown green.
        ...snapshot.components.map((c) => (componentStale(snapshot, c.id) ? fit(`${c.id.padEnd(10)}stale`, side) : { c, text: fit(`${c.id.padEnd(10)}${c.status}`, side) })),
        ...snapshot.sources.filter((s) => s.status !== 'live').map((s) => fit(`${s.id} ${s.status}`, side)),
      ]
    : [fit('health: connecting…', side)];
  return (
    <Box flexDirection="column" width={width} height={height}>
      {drill ? (
        <Text bold color={drillLine(drill, now).color}>
          {fit(` ${drillLine(drill, now).text}`, width)}
        </Text>
      ) : (
        <Text wrap="truncate">
          <Text bold>{` ${fit(`${section.title}`, Math.max(10, width - 40))}`}</Text>
          <Text dimColor>{` run ${run.runId}`}</Text>
        </Text>
      )}
      <Box flexDirection="row" height={topHeight}>
        <Box flexDirection="column" width={listWidth} marginRight={2}>
          {stepRows.slice(firstStep, firstStep + stepSlots).map(({ s, text }) => (
            <Text key={s.id} color={COLOR[s.status]} bold={s.number - 1 === run.current}>
              {text}
            </Text>
          ))}
          {improvised.slice(-3).map((t, i) => (
            <Text key={`imp-${i}`} color="magenta">
              {fit(t, listWidth)}
            </Text>
          ))}
        </Box>
        <Box flexDirection="column" width={detailWidth}>
          {/* The title is the instruction: it wraps rather than being cut. */}
          {title.map((l, i) => (
            <Text key={`t${i}`} bold>
              {l}
            </Text>
          ))}
          {detail.map((l, i) => (
            <Text key={i} color={l.color}>
              {l.text}
            </Text>
          ))}
          {last ? <Text color={view?.status === 'failed' || view?.status === 'aborted' ? 'red' : undefined}>{last}</Text> : null}
          {phaseRows.map((l, i) => (
            <Text key={`p${i}`} color={phase.color}>
              {l}
            </Text>
          ))}
        </Box>
        <Box flexDirection="column" width={side} marginLeft={1}>
          <Text bold>{fit('Health', side)}</Text>
          {health.slice(0, topHeight - 1).map((h, i) =>
            typeof h === 'string' ? (
              <Text key={i} dimColor>
                {h}
              </Text>
            ) : (
              <Text key={i} color={HEALTH_COLOR[h.c.status]}>
                {h.text}
              </Text>
            ),
          )}
        </Box>
      </Box>
      <Text bold>{fit(' Output', width)}</Text>
      <Box flexDirection="column" height={outputHeight - 1}>
        {output.map((l, i) => (
          <Text key={i} color={l.stream === 'stderr' ? 'yellow' : undefined}>
            {fit(l.text, width)}
          </Text>
        ))}
      </Box>
    </Box>
  );
});
