import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ProcessRunner } from '../adapters/process.ts';
import { sha256 } from '../runbook/journal-chain.ts';
import { Redactor } from '../runbook/redact.ts';
import { gitCaller, type Git } from '../pr/git-caller.ts';
import type { ShareableRun } from './select-evidence.ts';

export interface PushEvidenceOptions {
  /** git as the guard hands it out (the sandbox's process runner). */
  git: ProcessRunner;
  /** The evidence remote as the guard accepted it: a URL, scp form or a local (bare) repository path. */
  remote: string;
  branch: string;
  runs: readonly ShareableRun[];
  author: { name: string; email: string };
  /** How git authenticates to the remote on its network steps (from the guard, in the environment only). */
  remoteEnv?: Record<string, string>;
  redactor?: Redactor;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** What became of one run: committed now, already on the branch byte for byte, or refused. */
export type RunPush =
  | { runId: string; file: string; status: 'pushed'; commit: string }
  | { runId: string; file: string; status: 'already-there' }
  | { runId: string; file: string; status: 'refused'; reason: string };

export interface PushEvidenceResult {
  remote: string;
  branch: string;
  /** The branch tip before and after; `before` is undefined when the branch did not exist. */
  before?: string;
  after?: string;
  runs: RunPush[];
}

export const evidencePath = (runId: string) => `runs/${runId}.jsonl`;

/**
 * Publishes runs to `branch` of `remote`, one commit per run, each adding only `runs/<id>.jsonl`.
 * Append-only: a file already on the branch is never rewritten (same bytes: skipped; other bytes:
 * that run is refused), the push is never forced (a branch that moved meanwhile makes it fail, and
 * running again builds on the new tip), and nothing is removed. The commits are built with plumbing
 * in a throwaway bare repository removed afterwards, so no checkout of the operator is touched.
 */
export async function pushEvidence(o: PushEvidenceOptions): Promise<PushEvidenceResult> {
  if (!o.remote || o.remote.startsWith('-')) throw new Error(`pushEvidence: invalid remote "${o.remote}"`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-tui-evidence-'));
  const repo = path.join(work, 'repo.git');
  const redactor = o.redactor ?? new Redactor();
  const git = gitCaller({ runner: o.git, repoArgs: ['--git-dir', repo], redactor, timeoutMs: o.timeoutMs, signal: o.signal });
  const remoteEnv = o.remoteEnv ?? {};
  try {
    await git('init', ['init', '--quiet', '--bare', repo], { noRepo: true });
    await git('check-ref-format', ['check-ref-format', `refs/heads/${o.branch}`]);
    const before = tipOf(await git('ls-remote', ['ls-remote', '--heads', o.remote, `refs/heads/${o.branch}`], { env: remoteEnv }), o.branch);
    if (before) await git('fetch', ['fetch', '--no-tags', '--quiet', o.remote, `refs/heads/${o.branch}`], { env: remoteEnv });

    const index = { GIT_INDEX_FILE: path.join(work, 'index') };
    await git('read-tree', before ? ['read-tree', before] : ['read-tree', '--empty'], { env: index });
    let tip = before;
    const runs: RunPush[] = [];
    for (const run of o.runs) {
      const file = evidencePath(run.runId);
      const blob = await blobOf(git, work, run);
      const existing = tip ? await entryAt(git, tip, file) : undefined;
      if (existing) {
        runs.push(
          existing === blob
            ? { runId: run.runId, file, status: 'already-there' }
            : { runId: run.runId, file, status: 'refused', reason: `${file} is already on branch ${o.branch} with other bytes than ${run.journal}: the branch is append-only, so it is left as it is (compare the two; a journal edited after its run no longer verifies)` },
        );
        continue;
      }
      await git('update-index', ['update-index', '--add', '--cacheinfo', `100644,${blob},${file}`], { env: index });
      const tree = await git('write-tree', ['write-tree'], { env: index });
      const commit = await git(
        'commit-tree',
        ['-c', `user.name=${o.author.name}`, '-c', `user.email=${o.author.email}`, 'commit-tree', tree, ...(tip ? ['-p', tip] : []), '-F', '-'],
        { input: message(run) },
      );
      runs.push({ runId: run.runId, file, status: 'pushed', commit });
      tip = commit;
    }
    // One push for the whole chain; never forced, so a concurrent pusher is never overwritten.
    if (tip !== before) await git('push', ['push', '--quiet', o.remote, `${tip}:refs/heads/${o.branch}`], { env: remoteEnv });
    return { remote: o.remote, branch: o.branch, before, after: tip, runs };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function message(run: ShareableRun): string {
  return `evidence: ${run.drill} ${run.outcome} (${run.runId})\n\nDrill run ${run.runId}, started ${run.startedAt}.\nJournal sha256 ${sha256(run.bytes)}, added as ${evidencePath(run.runId)}.\n`;
}

/** The blob of the journal's verified bytes, written from a copy: git reads exactly those bytes, no filter applied. */
async function blobOf(git: Git, work: string, run: ShareableRun): Promise<string> {
  const copy = path.join(work, 'journal');
  fs.writeFileSync(copy, run.bytes);
  return git('hash-object', ['hash-object', '-w', '--no-filters', '--', copy]);
}

/** The object at `file` in `commit`, when there is anything there. */
async function entryAt(git: Git, commit: string, file: string): Promise<string | undefined> {
  const out = await git('ls-tree', ['ls-tree', '--full-tree', commit, '--', file]);
  return /^\d{6} \w+ ([0-9a-f]+)\t/.exec(out)?.[1];
}

function tipOf(lsRemote: string, branch: string): string | undefined {
  for (const line of lsRemote.split('\n')) {
    const [sha, ref] = line.split('\t');
    if (ref === `refs/heads/${branch}` && sha && /^[0-9a-f]{40,64}$/.test(sha)) return sha;
  }
  return undefined;
}
