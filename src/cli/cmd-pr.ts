import fs from 'node:fs';
import path from 'node:path';
import { listRuns } from '../../engine/runbook/journal.ts';
import { proposalFor, proposeRunbookPr } from '../../engine/pr/propose-pr.ts';
import type { CommandContext } from './commands.ts';
import { evidenceRuns } from './cmd-drill.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { json } from './io.ts';
import { prTarget, sandboxRedactor } from './wiring.ts';
import { withSandbox } from './with-sandbox.ts';

/** `pr propose --run RUN_ID [--dry-run]`: the run's improvised and failed steps as a draft runbook PR. */
export const runPrPropose = (ctx: CommandContext): Promise<number> =>
  withSandbox(ctx, async (sandbox) => {
    const wanted = ctx.values.run;
    if (typeof wanted !== 'string') throw new UsageError('pr propose needs --run RUN_ID (see lab-tui drill run / the Evidence screen)');
    const runsDir = evidenceRuns(ctx, sandbox.config);
    const file = fs.existsSync(wanted) ? path.resolve(wanted) : listRuns(runsDir).find((r) => r.runId === wanted)?.file;
    if (!file) throw new UsageError(`no run ${wanted} in ${runsDir}`);
    let preview;
    try {
      preview = proposalFor(file);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const edits = preview.proposal.edits;
    if (ctx.values['dry-run']) {
      ctx.io.stdout(ctx.values.json ? json(preview.proposal) : edits.map((e) => `${e.id} after line ${e.afterLine} (${e.section}${e.afterStep ? `, after ${e.afterStep}` : ''}): ${e.summary}\n${e.markdown}`).join('\n\n'));
      return EXIT.ok;
    }
    const out = await proposeRunbookPr(file, prTarget(sandbox, sandboxRedactor(sandbox), typeof ctx.values.base === 'string' ? ctx.values.base : 'main'));
    if (ctx.values.json) ctx.io.stdout(json({ branch: out.branch, commit: out.commit, pr: out.pr, patch: out.patch, next: out.next, edits: edits.map((e) => ({ id: e.id, kind: e.kind, summary: e.summary })) }));
    else
      ctx.io.stdout(
        [
          `${edits.length} change(s) proposed on branch ${out.branch}${out.commit ? ` (${out.commit.slice(0, 10)})` : ''}`,
          ...edits.map((e) => `  - ${e.summary}`),
          out.pr ? `draft PR ${out.pr.existed ? '(already open) ' : ''}${out.pr.url}` : `not opened: ${out.next}\npatch: ${out.patch}`,
        ].join('\n'),
      );
    return EXIT.ok;
  });
