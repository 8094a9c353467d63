import path from 'node:path';
import { listDrillRecords, readDrillRecord, type DrillRecord } from '../../engine/drills/drill-record.ts';
import { activeGameday, endGameday, listGamedays, startGameday } from '../../engine/drills/gameday.ts';
import { renderReport, type ReportLang } from '../../engine/drills/report.ts';
import fs from 'node:fs';
import { resumeDrill } from '../../engine/drills/resume-drill.ts';
import { DrillRefused, runDrill } from '../../engine/drills/run-drill.ts';
import { loadRunbook } from '../../engine/runbook/parse-runbook.ts';
import { buildTimeline, type Timeline } from '../../engine/drills/timeline.ts';
import { readJournal } from '../../engine/runbook/journal.ts';
import { GuardRefusal } from '../guard/refusal.ts';
import type { LabConfig } from '../config/types.ts';
import type { CommandContext } from './commands.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { json } from './io.ts';
import { drillCatalog, findDrill, runbookFor } from './drill-catalog.ts';
import type { Drill } from '../../engine/drills/drill-types.ts';
import { injectionMethod, notInjectable } from '../../engine/drills/inject-fault.ts';
import { configuredFaultPorts, drillDeps, startSandboxHealth } from './wiring.ts';
import { formatTable } from './table.ts';
import { configFileIfAny } from './target.ts';
import { evidenceDir, evidenceDirToRead } from './evidence-dir.ts';
import { withSandbox } from './with-sandbox.ts';

/** Where run journals live, `--evidence-dir` honoured. */
export function evidenceRuns(ctx: CommandContext, config: LabConfig): string {
  return path.join(evidenceDir(ctx, config), 'runs');
}

const seconds = (ms?: number) => (ms === undefined ? '-' : `${Math.round(ms / 100) / 10}s`);

function summary(r: DrillRecord): string {
  const t = r.timeToRecover;
  return [
    `drill ${r.drill} (${r.changeClass}): ${r.outcome}: ${r.reason ?? ''}`,
    t ? `time to recover ${seconds(t.totalMs)}: detection ${seconds(t.detectionMs)}, operator ${seconds(t.humanMs)}, engine ${seconds(t.agentMs)}, verification ${seconds(t.verifyMs)}` : 'time to recover: acceptance never met',
    ...r.failedSteps.map((s) => `failed step: ${s}`),
    ...r.skippedSteps.map((s) => `skipped step: ${s}`),
    ...r.improvised.map((s) => `improvised: ${s}`),
    `evidence: ${r.journal}`,
  ].join('\n');
}

export async function runDrillList(ctx: CommandContext): Promise<number> {
  const config = configFileIfAny(ctx.global, ctx.io.env);
  const drills = drillCatalog(config);
  // How each fault goes with this configuration, and what is missing where it cannot.
  const ports = configuredFaultPorts(config);
  const injection = (d: Drill) => {
    const missing = notInjectable(d.fault, ports);
    return { injectable: !missing, method: injectionMethod(d.fault, ports), ...(missing ? { missing } : {}) };
  };
  ctx.io.stdout(
    ctx.values.json
      ? json(drills.map(({ line, fault: { line: _f, ...fault }, runbook: { line: _r, ...runbook }, ...d }) => ({ ...d, fault, runbook, injection: injection({ ...d, line, fault: { ...fault, line: _f }, runbook: { ...runbook, line: _r } }) })))
      : formatTable(
          ['DRILL', 'FROM', 'CLASS', 'FAULT', 'RUNBOOK SECTION', 'LIMIT', 'INJECTED HERE'],
          drills.map((d) => {
            const i = injection(d);
            return [d.id, d.origin, d.changeClass, `${d.fault.kind}${d.fault.target ? ` ${d.fault.target}` : ''}`, d.runbook.section, `${d.timeLimitMs / 60_000}m`, i.injectable ? i.method : `no: ${i.missing}`];
          }),
        ) + awaitingResume(ctx),
  );
  return EXIT.ok;
}

/** Drill runs without an outcome (a crash, or left on purpose), each with the line that ends it. */
function awaitingResume(ctx: CommandContext): string {
  const open = listDrillRecords(path.join(evidenceDirToRead(ctx), 'runs')).records.filter((r) => r.outcome === 'running');
  return open.map((r) => `\nno outcome yet: ${r.drill} run ${r.runId} (${r.startedAt.slice(0, 16).replace('T', ' ')}); \`lab-tui resume ${r.runId}\` takes it up`).join('');
}

/**
 * `drill run ID --autopilot`: unattended (lab-sim only), the record printed at the end; without
 * --autopilot the operator walks the runbook in the cockpit.
 */
export async function runDrillRun(ctx: CommandContext): Promise<number> {
  const config = configFileIfAny(ctx.global, ctx.io.env);
  const drill = findDrill(config, ctx.args[0]);
  const missing = config && notInjectable(drill.fault, configuredFaultPorts(config));
  if (missing) {
    ctx.io.stderr(`lab-tui: drill ${drill.id} refused: its fault ${drill.fault.kind} cannot be injected on this sandbox: ${missing} (in ${config.file})`);
    return EXIT.failed;
  }
  if (!ctx.values.autopilot) {
    const { runCockpit } = await import('./cmd-tui.ts');
    return runCockpit(ctx, { first: { type: 'drill', id: drill.id, change: ctx.values.change as string | undefined } });
  }
  return withSandbox(ctx, async (sandbox) => {
    if (!sandbox.identity.simulated) throw new UsageError('--autopilot performs operator steps for you: lab-sim only, refused on a real sandbox');
    let refusal: GuardRefusal | undefined;
    const health = startSandboxHealth(sandbox, (e) => (refusal = e));
    try {
      const runsDir = evidenceRuns(ctx, sandbox.config);
      const gameday = activeGameday(path.dirname(runsDir))?.id;
      const d = await runDrill({ ...runbookFor(sandbox.config, drill), runsDir, sandbox: sandbox.identity.name, autopilot: true, change: ctx.values.change as string | undefined, gameday, overrideParity: !!ctx.values['override-parity'] }, drillDeps(sandbox, health.snapshots));
      const onSignal = () => void d.abort();
      process.once('SIGINT', onSignal);
      const v = await d.done.finally(() => process.off('SIGINT', onSignal));
      if (refusal) throw refusal;
      const record = readDrillRecord(v.file).record!;
      ctx.io.stdout(ctx.values.json ? json(record) : summary(record));
      if (sandbox.config.sandbox.evidence.autoPush) await (await import('./cmd-evidence-push.ts')).autoPush(ctx, sandbox, path.dirname(runsDir));
      return record.outcome === 'failed' ? EXIT.failed : EXIT.ok;
    } catch (e) {
      if (e instanceof DrillRefused) {
        ctx.io.stderr(`lab-tui: ${e.message}`);
        return EXIT.failed;
      }
      throw e;
    } finally {
      await health.stop();
    }
  });
}

/** A game-day that is already open (or not open) is the operator's mistake, not a crash. */
function asUsage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export async function runGamedayStart(ctx: CommandContext): Promise<number> {
  const dir = evidenceDirToRead(ctx);
  const g = asUsage(() => startGameday(dir, { name: ctx.values.name as string | undefined, runbookOnly: !!ctx.values['runbook-only'], now: new Date() }));
  ctx.io.stdout(ctx.values.json ? json(g) : `game-day ${g.id} started (${g.name}${g.runbookOnly ? ', runbook only' : ''}): drills run now belong to it`);
  return EXIT.ok;
}

export async function runGamedayEnd(ctx: CommandContext): Promise<number> {
  const dir = evidenceDirToRead(ctx);
  const g = asUsage(() => endGameday(dir, new Date()));
  ctx.io.stdout(ctx.values.json ? json(g) : `game-day ${g.id} ended; lab-tui report --gameday ${g.id}`);
  return EXIT.ok;
}

export async function runGamedayList(ctx: CommandContext): Promise<number> {
  const all = listGamedays(evidenceDirToRead(ctx));
  ctx.io.stdout(ctx.values.json ? json(all) : formatTable(['GAME-DAY', 'NAME', 'STARTED', 'ENDED', 'MODE'], all.map((g) => [g.id, g.name, g.startedAt.slice(0, 16), g.endedAt?.slice(0, 16) ?? 'open', g.runbookOnly ? 'runbook only' : 'full'])));
  return EXIT.ok;
}

/** `report [--gameday ID | --since DATE] [--lang en|fr] [--out FILE]`: the game-day report in Markdown. */
export async function runReport(ctx: CommandContext): Promise<number> {
  const lang = (ctx.values.lang ?? 'en') as ReportLang;
  if (lang !== 'en' && lang !== 'fr') throw new UsageError(`--lang expects en or fr, got "${String(ctx.values.lang)}"`);
  const evidenceDir = evidenceDirToRead(ctx);
  const { records, unreadable } = listDrillRecords(path.join(evidenceDir, 'runs'));
  for (const u of unreadable) ctx.io.stderr(`lab-tui: skipped unreadable evidence ${u.file}: ${u.problem}`);
  const gameday = typeof ctx.values.gameday === 'string' ? ctx.values.gameday : undefined;
  const since = typeof ctx.values.since === 'string' ? ctx.values.since : undefined;
  if (since && Number.isNaN(Date.parse(since))) throw new UsageError(`--since expects a date like 2026-11-01, got "${since}"`);
  if (gameday && !listGamedays(evidenceDir).some((g) => g.id === gameday)) throw new UsageError(`no game-day ${gameday} in ${evidenceDir}`);
  const picked = records.filter((r) => (gameday ? r.gameday === gameday : since ? r.startedAt >= new Date(since).toISOString() : true));
  const scope = gameday ?? (since ? `${lang === 'fr' ? 'depuis le' : 'since'} ${since}` : lang === 'fr' ? 'toutes les exécutions' : 'all runs');
  // Each run's chart comes from its journal, read again: listDrillRecords keeps only the summary.
  const timelines = new Map<string, Timeline>();
  for (const r of picked) {
    const timeline = buildTimeline(readJournal(r.journal).records);
    if (timeline) timelines.set(r.runId, timeline);
  }
  const md = renderReport(picked, { lang, scope, generatedAt: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC', timelines });
  if (typeof ctx.values.out === 'string') {
    fs.writeFileSync(ctx.values.out, md);
    ctx.io.stdout(`report written to ${ctx.values.out} (${picked.length} drill run(s))`);
  } else ctx.io.stdout(md);
  return EXIT.ok;
}

/** `resume DRILL_RUN --interrupt REASON`: the drill ends `interrupted`, its cleanup run, the record printed. */
export async function runDrillInterrupt(ctx: CommandContext, file: string, reason: string): Promise<number> {
  return withSandbox(ctx, async (sandbox) => {
    const health = startSandboxHealth(sandbox, (e) => {
      throw e;
    });
    try {
      await (await resumeDrill({ file, findDrill: (id) => findDrill(sandbox.config, id), load: loadRunbook, interrupt: reason }, drillDeps(sandbox, health.snapshots))).done;
      ctx.io.stdout(summary(readDrillRecord(file).record!));
      return EXIT.ok;
    } finally {
      await health.stop();
    }
  });
}
