import fs from 'node:fs';
import path from 'node:path';
import React from 'react';
import { followJournal } from '../../engine/runbook/follow-journal.ts';
import { listRuns, readJournal } from '../../engine/runbook/journal.ts';
import { findConfigFile, loadConfigFile } from '../config/load.ts';
import type { CommandContext } from './commands.ts';
import { EXIT, UsageError } from './exit-codes.ts';

/** The evidence directory to read: --evidence-dir, else the configured one; watch never starts lab-sim. */
function evidenceDirOf(ctx: CommandContext): string {
  if (typeof ctx.values['evidence-dir'] === 'string') return path.resolve(ctx.values['evidence-dir']);
  const found = findConfigFile(ctx.global.config, ctx.io.env);
  if (found.explicit || fs.existsSync(found.file)) return loadConfigFile(found.file, ctx.io.env).sandbox.evidenceDir;
  throw new UsageError('watch reads run journals from an evidence directory: pass --evidence-dir DIR (the operator\'s sandbox.evidenceDir)');
}

/** A running drill's journal: the one asked for, else the newest drill still without an outcome, else the newest run. */
function journalFor(dir: string, wanted: string | undefined): string {
  if (wanted && wanted.endsWith('.jsonl') && fs.existsSync(wanted)) return path.resolve(wanted);
  const runs = listRuns(path.join(dir, 'runs')).sort((a, b) => b.started.at.localeCompare(a.started.at));
  if (wanted) {
    const run = runs.find((r) => r.runId === wanted) ?? runs.find((r) => r.runId.startsWith(wanted));
    if (!run) throw new UsageError(`no run ${wanted} in ${path.join(dir, 'runs')}`);
    return run.file;
  }
  const running = runs.find((r) => {
    const records = readJournal(r.file).records;
    return records.some((x) => x.type === 'drill-started') && !records.some((x) => x.type === 'drill-finished');
  });
  const run = running ?? runs[0];
  if (!run) throw new UsageError(`no run journal in ${path.join(dir, 'runs')} yet`);
  return run.file;
}

/** `lab-tui watch [RUN_ID]`: follows a run's journal, read-only, from any terminal that can read the evidence. */
export async function runWatch(ctx: CommandContext): Promise<number> {
  if (ctx.global.sim) throw new UsageError('watch reads an evidence directory; --sim has none to follow');
  const file = journalFor(evidenceDirOf(ctx), ctx.args[0]);
  const journal = followJournal(file);
  const [{ startInk }, { Watch }] = await Promise.all([import('../app/run-tui.tsx'), import('../app/Watch.tsx')]);
  try {
    await startInk((quit) => React.createElement(Watch, { file, journal, onQuit: quit })).done;
  } finally {
    journal.stop();
  }
  return EXIT.ok;
}
