import path from 'node:path';
import { describeIntegrity, verifyJournalFile } from '../../engine/runbook/journal-chain.ts';
import { journalFiles } from '../../engine/runbook/journal.ts';
import type { JournalIntegrity } from '../../engine/runbook/run-types.ts';
import type { CommandContext } from './commands.ts';
import { evidenceDirToRead } from './evidence-dir.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { json } from './io.ts';
import { formatTable } from './table.ts';

/**
 * Every journal file of the evidence directory, named by its run id (the file name): a journal
 * whose first record was removed must still be checked, so the records are not needed to list it.
 */
function journals(runsDir: string): { runId: string; file: string }[] {
  return journalFiles(runsDir).map((file) => ({ runId: path.basename(file, '.jsonl'), file }));
}

/** `evidence verify [RUN_ID…] [--json]`: checks each journal's hash chain and seal; exit 1 when one is invalid. */
export async function runEvidenceVerify(ctx: CommandContext): Promise<number> {
  const runsDir = path.join(evidenceDirToRead(ctx), 'runs');
  const all = journals(runsDir);
  const picked = ctx.args.length ? ctx.args.map((id) => all.find((j) => j.runId === id) ?? all.find((j) => j.runId.startsWith(id)) ?? id) : all;
  const missing = picked.filter((p): p is string => typeof p === 'string');
  if (missing.length) throw new UsageError(`no run ${missing.join(', ')} in ${runsDir}`);
  const results: { runId: string; file: string; integrity: JournalIntegrity }[] = (picked as { runId: string; file: string }[]).map((j) => ({ ...j, integrity: verifyJournalFile(j.file) }));
  if (ctx.values.json) ctx.io.stdout(json(results));
  else if (!results.length) ctx.io.stdout(`no run journal in ${runsDir}`);
  else ctx.io.stdout(formatTable(['RUN', 'JOURNAL'], results.map((r) => [r.runId, r.integrity.status === 'invalid' ? `${describeIntegrity(r.integrity)} (${r.file}:${r.integrity.line})` : describeIntegrity(r.integrity)])));
  return results.some((r) => r.integrity.status === 'invalid') ? EXIT.failed : EXIT.ok;
}
