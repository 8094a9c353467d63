import path from 'node:path';
import { listDrillRecords } from '../../engine/drills/drill-record.ts';
import { withoutCredentials } from '../../engine/pr/git-caller.ts';
import { pushEvidence, type PushEvidenceResult, type RunPush } from '../../engine/evidence/push-evidence.ts';
import { selectShareable, type SkippedRun } from '../../engine/evidence/select-evidence.ts';
import { GitStepError } from '../../engine/pr/git-caller.ts';
import type { Sandbox } from '../guard/sandbox.ts';
import type { CommandContext } from './commands.ts';
import { evidenceDir } from './evidence-dir.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { json } from './io.ts';
import { sandboxRedactor } from './wiring.ts';
import { withSandbox } from './with-sandbox.ts';

export interface EvidencePushReport extends Omit<PushEvidenceResult, 'runs'> {
  pushed: Extract<RunPush, { status: 'pushed' }>[];
  alreadyThere: Extract<RunPush, { status: 'already-there' }>[];
  refused: Extract<RunPush, { status: 'refused' }>[];
  skipped: SkippedRun[];
}

/** A push failed on git's side (network, auth, a branch that moved): said in git's redacted words. */
export class EvidencePushFailed extends Error {}

/**
 * Publishes the finished, verified drill runs of `dir` to the sandbox's evidence remote, as the
 * guard resolved it, with git as the guarded process runner. Shared by `evidence push` and the
 * autoPush at the end of `drill run`.
 */
export async function pushSandboxEvidence(sandbox: Sandbox, dir: string): Promise<EvidencePushReport> {
  const where = sandbox.evidenceRemote();
  if ('missing' in where) throw new UsageError(where.missing);
  const { records, unreadable } = listDrillRecords(path.join(dir, 'runs'));
  const { runs, skipped } = selectShareable(records, unreadable);
  let result: PushEvidenceResult;
  try {
    result = await pushEvidence({
      git: sandbox.processes(),
      remote: where.remote,
      branch: where.branch,
      remoteEnv: where.remoteEnv,
      runs,
      redactor: sandboxRedactor(sandbox),
      author: { name: 'lab-tui', email: 'lab-tui@sandbox.invalid' },
    });
  } catch (e) {
    if (e instanceof GitStepError) throw new EvidencePushFailed(`evidence push to ${withoutCredentials(where.remote)} (branch ${where.branch}) failed: ${e.message}${e.step === 'push' ? '; nothing was forced: run lab-tui evidence push again to build on the branch as it is now' : ''}`);
    throw e;
  }
  const of = <S extends RunPush['status']>(s: S) => result.runs.filter((r): r is Extract<RunPush, { status: S }> => r.status === s);
  return { remote: withoutCredentials(result.remote), branch: result.branch, before: result.before, after: result.after, pushed: of('pushed'), alreadyThere: of('already-there'), refused: of('refused'), skipped };
}

/** What the operator reads: one line per run, the totals first. */
export function pushSummary(r: EvidencePushReport): string {
  const where = `${r.remote} (branch ${r.branch})`;
  const head = r.pushed.length
    ? `pushed ${r.pushed.length} run(s) to ${where}, one commit each`
    : `nothing to push to ${where}: ${r.alreadyThere.length} run(s) already there`;
  return [
    head,
    ...r.pushed.map((p) => `pushed ${p.runId}: ${p.file} in commit ${p.commit.slice(0, 12)}`),
    ...r.refused.map((p) => `refused ${p.runId}: ${p.reason}`),
    ...r.skipped.map((s) => `skipped ${s.runId} (${s.journal}): ${s.reason}`),
  ].join('\n');
}

/** `evidence push [--json] [--evidence-dir DIR]`: 0 when every shareable run is on the branch, 1 when one was refused or git failed (with --json: `error`, git's redacted words). */
export async function runEvidencePush(ctx: CommandContext): Promise<number> {
  return withSandbox(ctx, async (sandbox) => {
    let report: EvidencePushReport;
    try {
      report = await pushSandboxEvidence(sandbox, evidenceDir(ctx, sandbox.config));
    } catch (e) {
      if (!(e instanceof EvidencePushFailed)) throw e;
      ctx.io.stderr(`lab-tui: ${e.message}`);
      // A script reading --json gets an answer it can parse either way.
      if (ctx.values.json) ctx.io.stdout(json({ schema: 'lab-tui/evidence-push@1', error: e.message }));
      return EXIT.failed;
    }
    ctx.io.stdout(ctx.values.json ? json({ schema: 'lab-tui/evidence-push@1', ...report }) : pushSummary(report));
    return report.refused.length ? EXIT.failed : EXIT.ok;
  });
}

/**
 * `sandbox.evidence.autoPush`: the evidence is shared as soon as the drill ends (`drill run`), or the
 * cockpit it ran in is closed. On stderr, so the
 * record on stdout stays parseable; a failed push is said and changes nothing of the drill's exit
 * code (the run is recorded locally; `lab-tui evidence push` publishes it later).
 */
export async function autoPush(ctx: CommandContext, sandbox: Sandbox, dir: string): Promise<void> {
  try {
    ctx.io.stderr(`lab-tui: evidence: ${pushSummary(await pushSandboxEvidence(sandbox, dir)).replace(/\n/g, '\nlab-tui: evidence: ')}`);
  } catch (e) {
    ctx.io.stderr(`lab-tui: evidence push (sandbox.evidence.autoPush) failed: ${(e as Error).message}; the run is recorded locally: lab-tui evidence push publishes it later`);
  }
}
