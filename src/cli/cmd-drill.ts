import path from 'node:path';
import { drillRecord, listDrillRecords, type DrillRecord } from '../../engine/drills/drill-record.ts';
import { loadDrills } from '../../engine/drills/load-drill.ts';
import { promotionGate } from '../../engine/drills/promotion-gate.ts';
import { DrillRefused, runDrill } from '../../engine/drills/run-drill.ts';
import { readJournal } from '../../engine/runbook/journal.ts';
import { GuardRefusal } from '../guard/refusal.ts';
import type { LabConfig } from '../config/types.ts';
import type { CommandContext } from './commands.ts';
import { drillDeps } from './drill-deps.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { json } from './io.ts';
import { drillsDir, findDrill, runbookFor } from './drill-catalog.ts';
import { startSandboxHealth } from './start-health.ts';
import { formatTable } from './table.ts';
import { resolveTarget } from './target.ts';
import { withSandbox } from './with-sandbox.ts';

/** `--evidence-dir DIR` overrides the configured evidence directory on every evidence command. */
export function evidenceRuns(ctx: CommandContext, config: LabConfig): string {
  const dir = typeof ctx.values['evidence-dir'] === 'string' ? path.resolve(ctx.values['evidence-dir']) : config.sandbox.evidenceDir;
  return path.join(dir, 'runs');
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
  const drills = loadDrills(drillsDir());
  ctx.io.stdout(ctx.values.json ? json(drills.map(({ file, line, ...d }) => d)) : formatTable(['DRILL', 'CLASS', 'FAULT', 'RUNBOOK SECTION', 'LIMIT'], drills.map((d) => [d.id, d.changeClass, `${d.fault.kind}${d.fault.target ? ` ${d.fault.target}` : ''}`, d.runbook.section, `${d.timeLimitMs / 60_000}m`])));
  return EXIT.ok;
}

/**
 * `drill run ID --autopilot`: unattended (lab-sim only), the record printed at the end; without
 * --autopilot the operator walks the runbook in the cockpit.
 */
export async function runDrillRun(ctx: CommandContext): Promise<number> {
  const drill = findDrill(ctx.args[0]);
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
      const d = await runDrill({ drill, runbook: runbookFor(sandbox.config, drill), runsDir, sandbox: sandbox.identity.name, autopilot: true, change: ctx.values.change as string | undefined }, drillDeps(sandbox, health.snapshots));
      const onSignal = () => void d.abort();
      process.once('SIGINT', onSignal);
      const v = await d.done.finally(() => process.off('SIGINT', onSignal));
      if (refusal) throw refusal;
      const { records, problems } = readJournal(v.file);
      const record = drillRecord(v.file, records, problems.map((p) => `${v.file}:${p.line}: ${p.message}`))!;
      ctx.io.stdout(ctx.values.json ? json(record) : summary(record));
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

/** `gate promote --change-class C [--change REF] [--markdown]`: 0 only with a passed drill of the class in this cycle. */
export async function runGatePromote(ctx: CommandContext): Promise<number> {
  const changeClass = ctx.values['change-class'];
  if (typeof changeClass !== 'string') throw new UsageError('gate promote needs --change-class (infra, vault, storage, database, gitops, pki, dns)');
  let runsDir: string;
  if (typeof ctx.values['evidence-dir'] === 'string') runsDir = path.join(path.resolve(ctx.values['evidence-dir']), 'runs');
  else {
    const target = await resolveTarget(ctx.global, ctx.io.env);
    runsDir = evidenceRuns(ctx, target.config);
    await target.stop();
  }
  const { records, unreadable } = listDrillRecords(runsDir);
  for (const u of unreadable) ctx.io.stderr(`lab-tui: skipped unreadable evidence ${u.file}: ${u.problem}`);
  const v = promotionGate(records, changeClass, { change: typeof ctx.values.change === 'string' ? ctx.values.change : undefined, now: new Date() });
  if (ctx.values.json) ctx.io.stdout(json({ ...v, evidence: v.evidence && { runId: v.evidence.runId, drill: v.evidence.drill, outcome: v.evidence.outcome, startedAt: v.evidence.startedAt, journal: v.evidence.journal } }));
  else if (ctx.values.markdown)
    ctx.io.stdout(
      [
        `### Promotion gate: ${changeClass}${v.change ? ` (${v.change})` : ''}`,
        '',
        `- [${v.ok ? 'x' : ' '}] rehearsed in the sandbox: ${v.reason}`,
        ...(v.evidence ? [`- evidence: \`${v.evidence.journal}\``] : []),
      ].join('\n'),
    );
  else ctx.io.stdout(`${v.ok ? 'PASS' : 'FAIL'} ${changeClass}: ${v.reason}`);
  return v.ok ? EXIT.ok : EXIT.failed;
}
