import path from 'node:path';
import { listDrillRecords } from '../../engine/drills/drill-record.ts';
import { promotionGate, type GateEvidence, type GateVerdict } from '../../engine/drills/promotion-gate.ts';
import { duration } from '../../engine/drills/report.ts';
import type { CommandContext } from './commands.ts';
import { currentSectionDigest } from './drill-catalog.ts';
import { evidenceDirToRead } from './evidence-dir.ts';
import { EvidenceRepoUnreadable, evidenceRepoRuns } from './evidence-repo.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { json } from './io.ts';
import { configFileIfAny } from './target.ts';

const ttr = (e: GateEvidence) => (e.timeToRecoverMs === undefined ? '-' : duration(e.timeToRecoverMs));
const digest = (e: GateEvidence) => (e.sectionDigest ? e.sectionDigest.slice(0, 12) : '-');

/** The gate's PR checklist block; `statusFile` (sandbox.evidence.statusFile) is linked relative to the current directory. */
function markdown(v: GateVerdict, statusFile?: string): string {
  return [
    `### Promotion gate: ${v.changeClass}${v.change ? ` (${v.change})` : ''}`,
    '',
    `- [${v.ok ? 'x' : ' '}] rehearsed in the sandbox: ${v.reason}`,
    ...(v.countedSimulated ? ['- ⚠ counted simulated evidence (--allow-simulated): it proves nothing about the real sandbox'] : []),
    ...(v.evidence ? [`- evidence: \`${v.evidence.journal}\``] : []),
    ...(statusFile ? [`- rehearsal status: [${path.basename(statusFile)}](<${path.relative(process.cwd(), statusFile).split(path.sep).join('/')}>)`] : []),
    ...(v.reliedOn.length
      ? ['', 'Relied on:', '', '| run | date | sandbox | section digest | outcome | time to recover |', '|---|---|---|---|---|---|', ...v.reliedOn.map((e) => `| ${e.runId} | ${e.startedAt.slice(0, 16).replace('T', ' ')} | ${e.sandbox}${e.simulated ? ' (simulated)' : ''} | \`${digest(e)}\` | ${e.outcome} | ${ttr(e)} |`)]
      : []),
    ...(v.ignored.length ? ['', 'Ignored:', '', ...v.ignored.map((i) => `- ${i.runId} (${i.drill}, ${i.startedAt.slice(0, 10)}): ${i.reason}`)] : []),
  ].join('\n');
}

function text(v: GateVerdict): string {
  return [
    `${v.ok ? 'PASS' : 'FAIL'} ${v.changeClass}: ${v.reason}`,
    ...(v.countedSimulated ? ['warning: counted simulated evidence (--allow-simulated): it proves nothing about the real sandbox'] : []),
    ...v.reliedOn.map((e) => `relied on ${e.runId}: ${e.outcome}, ${e.sandbox}${e.simulated ? ' (simulated)' : ''}, section ${digest(e)}, time to recover ${ttr(e)}`),
    ...v.ignored.map((i) => `ignored ${i.runId}: ${i.reason}`),
  ].join('\n');
}

/**
 * `gate promote --change-class C [--change REF] [--allow-simulated] [--markdown | --json]`: 0 only
 * with a counted pass of the class in this cycle; the verdict lists what it relied on and ignored.
 * The runs come from the evidence directory, or from the evidence branch of `--evidence-repo` (CI).
 */
export async function runGatePromote(ctx: CommandContext): Promise<number> {
  const changeClass = ctx.values['change-class'];
  if (typeof changeClass !== 'string') throw new UsageError('gate promote needs --change-class (infra, vault, storage, database, gitops, pki, dns)');
  const repo = ctx.values['evidence-repo'];
  if (typeof repo === 'string' && typeof ctx.values['evidence-dir'] === 'string') throw new UsageError('gate promote reads --evidence-dir or --evidence-repo, not both');
  if (typeof ctx.values['evidence-branch'] === 'string' && typeof repo !== 'string') throw new UsageError('--evidence-branch goes with --evidence-repo');
  let runsDir: string;
  try {
    runsDir = typeof repo === 'string' ? (await evidenceRepoRuns(ctx, repo)).runsDir : path.join(evidenceDirToRead(ctx), 'runs');
  } catch (e) {
    if (!(e instanceof EvidenceRepoUnreadable)) throw e;
    ctx.io.stderr(`lab-tui: ${e.message}`);
    return EXIT.failed;
  }
  const { records, unreadable } = listDrillRecords(runsDir);
  for (const u of unreadable) ctx.io.stderr(`lab-tui: skipped unreadable evidence ${u.file}: ${u.problem}`);
  const config = configFileIfAny(ctx.global, ctx.io.env);
  const sectionNow = currentSectionDigest(config);
  const v = promotionGate(records, changeClass, {
    change: typeof ctx.values.change === 'string' ? ctx.values.change : undefined,
    now: new Date(),
    allowSimulated: !!ctx.values['allow-simulated'],
    currentSection: (r) => sectionNow(r.drill),
  });
  if (ctx.values.json) ctx.io.stdout(json({ ...v, evidence: v.evidence && { runId: v.evidence.runId, drill: v.evidence.drill, outcome: v.evidence.outcome, startedAt: v.evidence.startedAt, journal: v.evidence.journal } }));
  else ctx.io.stdout(ctx.values.markdown ? markdown(v, config?.sandbox.evidence.statusFile) : text(v));
  return v.ok ? EXIT.ok : EXIT.failed;
}
