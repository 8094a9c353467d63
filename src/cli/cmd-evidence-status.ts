import fs from 'node:fs';
import path from 'node:path';
import { listDrillRecords } from '../../engine/drills/drill-record.ts';
import { rehearsalStatus, statusMarkdownLines, statusTableHeader, statusTableRows, statusWarning } from '../../engine/drills/rehearsal-status.ts';
import { updateStatusBlock } from '../../engine/drills/status-block.ts';
import type { LabConfig } from '../config/types.ts';
import type { CommandContext } from './commands.ts';
import { currentSectionDigest, drillCatalog } from './drill-catalog.ts';
import { evidenceDirToRead } from './evidence-dir.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { json } from './io.ts';
import { formatTable } from './table.ts';
import { configFileIfAny } from './target.ts';

/** Replaces `file` in one step: a reader (or a crash) sees the old file or the new one, never half. */
function writeAtomically(file: string, content: Buffer): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(tmp, content, { mode: fs.statSync(file).mode & 0o7777, flush: true });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** The file `--update` rewrites: its argument, else sandbox.evidence.statusFile. */
function statusFileToUpdate(ctx: CommandContext, config: LabConfig | undefined): string {
  const named = ctx.args[0] ?? config?.sandbox.evidence.statusFile;
  if (!named) throw new UsageError('evidence status --update needs a FILE (the PRD\'s STATUS.md), or sandbox.evidence.statusFile in the configuration');
  if (ctx.args.length > 1) throw new UsageError(`evidence status --update takes one FILE, got: ${ctx.args.join(' ')}`);
  const file = path.resolve(named);
  if (!fs.existsSync(file)) throw new UsageError(`evidence status --update: ${file} does not exist${ctx.args[0] ? '' : ` (sandbox.evidence.statusFile in ${config!.file})`}; create it, markers optional`);
  // The rename replaces what it is given: through a symlink, the file it points at is the one to rewrite.
  return fs.realpathSync(file);
}

/** Rewrites the marked block of `file`, or says why it would not; exit 0, or 2 for broken markers. */
function update(ctx: CommandContext, file: string, block: string[]): number {
  const result = updateStatusBlock(fs.readFileSync(file), block);
  if (result.action === 'refused') {
    ctx.io.stderr(`lab-tui: ${file}:${result.line}: ${result.problem}; nothing was changed`);
    return EXIT.usage;
  }
  if (result.action !== 'unchanged') writeAtomically(file, result.content);
  const said = { replaced: 'updated the rehearsal-status block', appended: 'no rehearsal-status markers: appended the block at the end', unchanged: 'unchanged (the block already says this)' };
  ctx.io.stdout(`${file}: ${said[result.action]}`);
  return EXIT.ok;
}

/**
 * `evidence status [--markdown | --json] [--update [FILE]] [--allow-simulated]`: per change-class,
 * what `gate promote` would answer now (the gate itself decides each row), as a table, JSON, or the
 * Markdown block the PRD's STATUS.md keeps. Exit 0 when printed or written: a class not rehearsed
 * is status, not a failure (the gate is the check).
 */
export async function runEvidenceStatus(ctx: CommandContext): Promise<number> {
  if (!ctx.values.update && ctx.args.length) throw new UsageError(`evidence status takes no arguments (FILE goes with --update): ${ctx.args.join(' ')}`);
  if (ctx.values.json && (ctx.values.markdown || ctx.values.update)) throw new UsageError('evidence status: --json prints the status; it cannot be combined with --markdown or --update');
  const config = configFileIfAny(ctx.global, ctx.io.env);
  // The file is checked before the evidence is read: a typo fails fast, with nothing started.
  const file = ctx.values.update ? statusFileToUpdate(ctx, config) : undefined;
  const { records, unreadable } = listDrillRecords(path.join(evidenceDirToRead(ctx), 'runs'));
  for (const u of unreadable) ctx.io.stderr(`lab-tui: skipped unreadable evidence ${u.file}: ${u.problem}`);
  const sectionNow = currentSectionDigest(config);
  const status = rehearsalStatus(records, drillCatalog(config), { now: new Date(), allowSimulated: !!ctx.values['allow-simulated'], currentSection: (r) => sectionNow(r.drill) });
  if (file) return update(ctx, file, statusMarkdownLines(status));
  if (ctx.values.json) ctx.io.stdout(json(status.classes.map((c) => ({ ...c, since: status.since }))));
  else if (ctx.values.markdown) ctx.io.stdout(statusMarkdownLines(status).join('\n'));
  else {
    const warning = statusWarning(status);
    ctx.io.stdout([`rehearsal status, cycle since ${status.since}`, formatTable(statusTableHeader, statusTableRows(status)), ...(warning ? [warning] : [])].join('\n'));
  }
  return EXIT.ok;
}
