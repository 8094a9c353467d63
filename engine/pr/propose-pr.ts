import fs from 'node:fs';
import path from 'node:path';
import { drillRecord } from '../drills/drill-record.ts';
import type { ProcessRunner } from '../adapters/process.ts';
import { openJournal, readJournal } from '../runbook/journal.ts';
import type { Redactor } from '../runbook/redact.ts';
import { applyEdits } from './apply-edits.ts';
import type { Forge } from './forge.ts';
import { branchName, pushRunbookBranch } from './git-branch.ts';
import { prBody, prTitle } from './pr-body.ts';
import { proposeEdits } from './propose.ts';
import type { Proposal, RunbookEdit } from './types.ts';

/** Where runbook PRs go, as the isolation guard let them through. */
export interface PrTarget {
  git: ProcessRunner;
  /** A local clone of the runbooks repository (config `sandbox.runbooks.path`). */
  repoDir?: string;
  /** The remote the guard accepted (config `sandbox.runbooks.remote`). */
  remote?: string;
  /** How git authenticates to that remote, when the guard hands it the sandbox Gitea's token. */
  remoteEnv?: Record<string, string>;
  base: string;
  /** The forge to open the draft PR on; a reason when there is none (no token...). */
  forge: Forge | { missing: string };
  redactor: Redactor;
  author: { name: string; email: string };
}

export interface PrOutcome {
  proposal: Proposal;
  branch: string;
  commit?: string;
  pr?: { url: string; number: number; existed: boolean };
  /** The patch written next to the run record when nothing could be pushed or opened. */
  patch?: string;
  /** What the operator does next, when lab-tui could not finish (offline, no token, runbook outside the repo). */
  next?: string;
}

/** The proposal alone: what `pr propose --dry-run` and the screen show before anything is pushed. */
export function proposalFor(journalFile: string): { proposal: Proposal; proposed: string; original: string } {
  const { records } = readJournal(journalFile);
  const started = records.find((r) => r.type === 'run-started');
  if (started?.type !== 'run-started') throw new Error(`${journalFile}: not a run journal`);
  const original = fs.readFileSync(started.runbook, 'utf8');
  const proposal = proposeEdits(records, original, started.runbook);
  if (!proposal.edits.length) throw new Error(`run ${started.runId} has no improvised or failed step: nothing to propose`);
  return { proposal, proposed: applyEdits(original, proposal.edits), original };
}

/**
 * Proposes the run's improvisations as a draft runbook PR: branch, commit, push, draft PR —
 * or, offline or without a token, the branch kept local and a patch next to the run record.
 * Idempotent: a second call finds the branch and the PR. The outcome is journaled with the run.
 */
export async function proposeRunbookPr(journalFile: string, t: PrTarget, reviewed?: RunbookEdit[]): Promise<PrOutcome> {
  const base = proposalFor(journalFile);
  // The operator may have reworded or dropped edits: those are what gets proposed.
  const proposal = reviewed ? { ...base.proposal, edits: reviewed } : base.proposal;
  if (!proposal.edits.length) throw new Error('every change was dropped: nothing to propose');
  const original = base.original;
  const proposed = reviewed ? applyEdits(original, reviewed) : base.proposed;
  const { records } = readJournal(journalFile);
  const branch = branchName(proposal.drill, proposal.date, proposal.runId);
  const out: PrOutcome = { proposal, branch };
  const inRepo = t.repoDir && path.resolve(proposal.runbook).startsWith(path.resolve(t.repoDir) + path.sep);
  const record = (extra: { commit?: string; url?: string; number?: number; patch?: string }) => {
    const j = openJournal(journalFile, { redact: (s) => t.redactor.redact(s) });
    j.append({ type: 'pr-proposed', branch, ...extra });
    // A finished run stays sealed: the seal now covers the proposal too.
    if (records.at(-1)?.type === 'journal-sealed') j.seal();
    j.close();
  };
  const writePatch = async (why: string) => {
    const dir = fs.mkdtempSync(path.join(path.dirname(journalFile), '.proposal-'));
    const a = path.join(dir, 'a.md');
    const b = path.join(dir, 'b.md');
    fs.writeFileSync(a, original);
    fs.writeFileSync(b, proposed);
    const diff = await t.git.run('git', ['diff', '--no-index', '--no-color', a, b]);
    fs.rmSync(dir, { recursive: true, force: true });
    out.patch = journalFile.replace(/\.jsonl$/, '.runbook.patch');
    const label = path.basename(proposal.runbook);
    fs.writeFileSync(out.patch, t.redactor.redact(String(diff.stdout).replaceAll(a, `a/${label}`).replaceAll(b, `b/${label}`)), { mode: 0o600 });
    out.next = why;
    record({ patch: out.patch, ...(out.commit ? { commit: out.commit } : {}) });
    return out;
  };
  if (!inRepo || !t.remote) return writePatch(!inRepo ? `the runbook ${proposal.runbook} is not in the runbooks repository (sandbox.runbooks.path): apply ${branch}'s patch there by hand` : 'no runbooks remote configured (sandbox.runbooks.remote): apply the patch, then push and open the PR by hand');
  const file = path.relative(t.repoDir!, proposal.runbook);
  const drill = drillRecord(journalFile, records);
  try {
    const pushed = await pushRunbookBranch({ git: t.git, repoDir: t.repoDir!, remote: t.remote, base: t.base, branch, file, content: proposed, remoteEnv: t.remoteEnv, message: t.redactor.redact(`${prTitle(proposal)}\n\n${proposal.edits.map((e) => `- ${e.summary}`).join('\n')}\n\nProposed by lab-tui from run ${proposal.runId}.`), author: t.author, redactor: t.redactor });
    out.commit = pushed.commit;
  } catch (e) {
    return writePatch(`pushing ${branch} failed (${t.redactor.redact((e as Error).message)}): the patch is next to the run record; push it when the remote is reachable`);
  }
  if ('missing' in t.forge) return writePatch(`branch ${branch} is pushed, but no draft PR was opened: ${t.forge.missing}`);
  const pr = await t.forge.createDraftPr({ title: prTitle(proposal), body: prBody(proposal, drill, journalFile, t.redactor), head: branch, base: t.base });
  out.pr = pr;
  record({ commit: out.commit, url: pr.url, number: pr.number });
  return out;
}

/** The operator's wording for an edit: the inserted step's title, or the note's text. */
export function reword(edit: RunbookEdit, text: string): RunbookEdit {
  const lines = edit.markdown.split('\n');
  if (edit.kind === 'improvised-step') lines[0] = lines[0]!.replace(/(\[(?:AGENT|HUMAN)\]\s+).*$/, `$1${text}`);
  else lines[lines.length - 1] = lines[lines.length - 1]!.replace(/(>\s*).*$/, `$1${text}`);
  return { ...edit, markdown: lines.join('\n'), summary: `${edit.summary} (reworded: ${text})` };
}
