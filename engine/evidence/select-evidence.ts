import fs from 'node:fs';
import type { DrillRecord } from '../drills/drill-record.ts';
import { verifyJournalBytes } from '../runbook/journal-chain.ts';

/** A finished drill run whose journal verified and is sealed: the bytes verified are the bytes shared. */
export interface ShareableRun {
  runId: string;
  drill: string;
  outcome: string;
  startedAt: string;
  /** The local journal it was read from. */
  journal: string;
  bytes: Buffer;
}

/** A run left out of the shared evidence, and why (shown to the operator as is). */
export interface SkippedRun {
  runId: string;
  journal: string;
  reason: string;
}

/** Run ids become file names on the evidence branch: nothing that could climb out of `runs/`. */
const SAFE_RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Splits drill records into the runs that can be shared and the ones that cannot. The journal is
 * read once and verified from those very bytes, so what is pushed is exactly what was verified,
 * even if the file changes meanwhile. Oldest first: the branch then reads in the order runs happened.
 */
export function selectShareable(records: readonly DrillRecord[], unreadable: readonly { file: string; problem: string }[] = []): { runs: ShareableRun[]; skipped: SkippedRun[] } {
  const runs: ShareableRun[] = [];
  // A journal that still gave a record is judged below as a whole; only the ones that gave none are listed here.
  const judged = new Set(records.map((r) => r.journal));
  const skipped: SkippedRun[] = unreadable.filter((u) => !judged.has(u.file)).map((u) => ({ runId: '-', journal: u.file, reason: `unreadable: ${u.problem}` }));
  for (const r of [...records].sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0))) {
    const skip = (reason: string) => void skipped.push({ runId: r.runId, journal: r.journal, reason });
    if (!SAFE_RUN_ID.test(r.runId)) {
      skip(`run id "${r.runId}" is not a safe file name`);
      continue;
    }
    if (r.outcome === 'running') {
      skip('unfinished: the run has no outcome yet (still running, or interrupted: lab-tui resume)');
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(r.journal);
    } catch (e) {
      skip(`cannot read its journal: ${(e as Error).message}`);
      continue;
    }
    const integrity = verifyJournalBytes(bytes);
    if (integrity.status === 'invalid') skip(`invalid journal: line ${integrity.line}: ${integrity.reason}`);
    else if (integrity.status === 'unverifiable') skip(`unverifiable journal: ${integrity.reason}`);
    else if (!integrity.sealed) skip('journal not sealed: the run did not finish writing it');
    else runs.push({ runId: r.runId, drill: r.drill, outcome: r.outcome, startedAt: r.startedAt, journal: r.journal, bytes });
  }
  return { runs, skipped };
}
