import fs from 'node:fs';
import path from 'node:path';
import { drillAwaitingOutcome } from '../../engine/drills/resume-drill.ts';
import { listRuns } from '../../engine/runbook/journal.ts';
import { loadRunbook } from '../../engine/runbook/parse-runbook.ts';
import { stepCommands } from '../../engine/runbook/step-commands.ts';
import { vetCommand } from '../guard/command-scan.ts';
import { resolveProdIdentity } from '../guard/target-rules.ts';
import { findSection, RunError } from '../../engine/runbook/start-run.ts';
import type { Runbook, Section } from '../../engine/runbook/types.ts';
import type { CommandContext } from './commands.ts';
import { runCockpit } from './cmd-tui.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { json } from './io.ts';
import { runsDir } from './runbook-paths.ts';
import { resolveTarget } from './target.ts';

function sectionOf(runbook: Runbook, wanted: unknown): Section {
  const withSteps = runbook.sections.filter((s) => s.steps.length);
  if (typeof wanted === 'string') {
    try {
      return findSection(runbook, wanted);
    } catch (e) {
      throw new UsageError((e as RunError).message);
    }
  }
  if (withSteps.length === 1) return withSteps[0]!;
  throw new UsageError(`${runbook.file} has ${withSteps.length} procedures; pick one with --section: ${withSteps.map((s) => s.id).join(', ')}`);
}

/** What --dry-run prints: each step and what the engine would do, nothing run. */
function plan(section: Section, from: number): string {
  const lines = [`${section.title} (${section.id}): ${section.steps.length} steps${from ? `, from step ${from + 1}` : ''}`];
  for (const s of section.steps.slice(from)) {
    lines.push(`${String(s.number).padStart(3)}. [${s.kind}] ${s.title}`);
    for (const r of s.lab?.requires ?? []) lines.push(`       requires ${r.probe}${Object.keys(r.params).length ? ` ${JSON.stringify(r.params)}` : ''}`);
    if (s.lab?.action) lines.push(`       ${s.kind === 'AGENT' ? 'would run' : 'assist'} ${s.lab.action}${Object.keys(s.lab.params).length ? ` ${JSON.stringify(s.lab.params)}` : ''}`);
    else if (s.command) lines.push(...s.command.code.split('\n').map((c) => `       ${s.kind === 'AGENT' ? 'would run' : 'operator runs'} $ ${c}`));
    for (const v of s.lab?.verify ?? []) lines.push(`       verify ${v.probe}${Object.keys(v.params).length ? ` ${JSON.stringify(v.params)}` : ''}`);
  }
  return lines.join('\n');
}

export async function runRun(ctx: CommandContext): Promise<number> {
  const file = ctx.args[0];
  if (!file) throw new UsageError('run needs a runbook file, e.g. lab-tui run manifests/runbooks/CLUSTER_RECOVERY.md --section vault-unseal-vso-re-auth');
  const runbook = loadRunbook(file);
  const section = sectionOf(runbook, ctx.values.section);
  const from = typeof ctx.values.from === 'string' ? ctx.values.from : undefined;
  const start = from ? section.steps.findIndex((s) => s.id === from || String(s.number) === from) : 0;
  if (start === -1) throw new UsageError(`--from ${from}: no such step in ${section.id} (1-${section.steps.length})`);
  if (ctx.values['dry-run']) {
    ctx.io.stdout(ctx.values.json ? json({ runbook: runbook.file, digest: runbook.digest, section: { ...section, steps: section.steps.slice(start) } }) : plan(section, start));
    return EXIT.ok;
  }
  return runCockpit(ctx, { first: { type: 'start', file: runbook.file, section: section.id, from, paranoid: !!ctx.values.paranoid } });
}

/** The journal `resume` continues: a journal file, a run id, or the newest run (or drill) without an outcome. */
async function journalToResume(ctx: CommandContext, wanted: string | undefined): Promise<string> {
  if (wanted && fs.existsSync(wanted)) return path.resolve(wanted);
  const target = await resolveTarget(ctx.global, ctx.io.env);
  const dir = runsDir(target.config);
  await target.stop();
  const runs = listRuns(dir);
  const open = (r: (typeof runs)[number]) => !r.finished || drillAwaitingOutcome(r.file);
  const run = wanted ? runs.find((r) => r.runId === wanted) : runs.find(open);
  if (!run) throw new UsageError(wanted ? `no run ${wanted} in ${dir}` : `no interrupted run in ${dir}`);
  if (!open(run)) throw new UsageError(`run ${run.runId} already finished (${run.finished!.status}); start a new one`);
  return run.file;
}

/** `resume [RUN] [--interrupt REASON]`: continues a run or a drill; --interrupt ends a drill `interrupted` instead. */
export async function runResume(ctx: CommandContext): Promise<number> {
  const file = await journalToResume(ctx, ctx.args[0]);
  const reason = ctx.values.interrupt;
  if (typeof reason === 'string') {
    if (!drillAwaitingOutcome(file)) throw new UsageError(`--interrupt ends a drill that has no outcome yet; ${file} is not one`);
    const { runDrillInterrupt } = await import('./cmd-drill.ts');
    return runDrillInterrupt(ctx, file, reason);
  }
  return runCockpit(ctx, { first: { type: 'resume', file } });
}

/**
 * `runbook check FILE...`: every parse problem with its file and line; then every command the
 * runbooks would run or show, scanned against the prod deny-list of the configuration in effect.
 */
export async function runRunbookCheck(ctx: CommandContext): Promise<number> {
  if (!ctx.args.length) throw new UsageError('runbook check needs one or more Markdown files');
  const runbooks = ctx.args.map((f) => loadRunbook(f));
  const target = await resolveTarget(ctx.global, ctx.io.env);
  const prod = await resolveProdIdentity(target.config, ctx.io.env).finally(() => target.stop());
  const results = await Promise.all(
    runbooks.map(async (rb) => {
      const commands = rb.sections.flatMap((s) => s.steps.flatMap(stepCommands));
      const refused = (await Promise.all(commands.map(async (c) => (await vetCommand(c.code, prod)).map((f) => ({ line: c.line, rule: f.rule, reason: f.reason }))))).flat();
      return { file: rb.file, title: rb.title, digest: rb.digest, sections: rb.sections.map((s) => ({ id: s.id, title: s.title, steps: s.steps.length })), warnings: rb.warnings, refused };
    }),
  );
  const anyRefused = results.some((r) => r.refused.length);
  const warned = results.some((r) => r.warnings.length);
  if (ctx.values.json) ctx.io.stdout(json(results));
  else {
    const ok = results.filter((r) => !r.refused.length && !(ctx.values.strict && r.warnings.length)).map((r) => `${r.file}: ok, ${r.sections.filter((s) => s.steps).map((s) => `${s.id} (${s.steps})`).join(', ')}`);
    if (ok.length) ctx.io.stdout(ok.join('\n'));
    const label = ctx.values.strict ? 'error (--strict)' : 'warning';
    const lines = results.flatMap((r) => [...r.warnings.map((w) => `${label}: ${w}`), ...r.refused.map((x) => `${r.file}:${x.line}: ${x.rule}: ${x.reason} (refused by the isolation guard, see README#isolation-guard)`)]);
    if (lines.length) ctx.io.stderr(lines.join('\n'));
  }
  return anyRefused ? EXIT.refused : ctx.values.strict && warned ? EXIT.usage : EXIT.ok;
}
