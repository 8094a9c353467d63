import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ProcessRunner } from '../adapters/process.ts';
import { Redactor } from '../runbook/redact.ts';
import { gitCaller, GitStepError, type Git } from './git-caller.ts';

export interface PushRunbookBranchOptions {
  git: ProcessRunner;
  /** An existing local clone of the runbooks repository. */
  repoDir: string;
  /** A remote name of that clone or a URL: the sandbox's runbooks remote, as the guard verified it. */
  remote: string;
  /** The branch the pull request targets, e.g. `main`. */
  base: string;
  branch: string;
  /** Path of the runbook inside the repository (`/`-separated). */
  file: string;
  content: string;
  message: string;
  author: { name: string; email: string };
  /** Masks credentials in git's stderr before it goes into an error message. */
  redactor?: Redactor;
  /** For the steps that reach the remote (ls-remote, fetch, push): how git authenticates there, from the guard. */
  remoteEnv?: Record<string, string>;
  /** Per git command; the network steps are the ones that can hang. Default 120 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const SHA = /^[0-9a-f]{40,64}$/;

/**
 * Puts `content` at `file` on `branch` of `remote` as one commit, without touching the clone's
 * worktree, index or checked-out branch: the commit is built with plumbing (blob, temporary index,
 * tree, commit-tree), so an operator's uncommitted edits in the clone are never at risk.
 *
 * - The branch starts from `<remote>/<base>`; when it already exists on the remote, from its tip
 *   (the new commit goes on top: someone else's commits are never overwritten, and the push is never
 *   forced — if the branch moves meanwhile, the push is rejected and says so).
 * - Idempotent: when the remote branch's tip already has exactly this content at `file`, nothing is
 *   committed or pushed (`created: false`).
 * - The local branch `branch` is set to the result, for the operator to inspect.
 */
export async function pushRunbookBranch(o: PushRunbookBranchOptions): Promise<{ commit: string; created: boolean }> {
  const file = repoPath(o.file);
  for (const [what, value] of [['remote', o.remote], ['base', o.base], ['branch', o.branch]] as const)
    if (!value || value.startsWith('-')) throw new Error(`pushRunbookBranch: invalid ${what} "${value}"`);
  const git = gitIn(o);
  await git('check-ref-format', ['check-ref-format', `refs/heads/${o.base}`]);
  await git('check-ref-format', ['check-ref-format', `refs/heads/${o.branch}`]);

  if (o.branch === o.base) throw new Error(`pushRunbookBranch: the runbook branch must not be the base branch "${o.base}"`);
  const remoteEnv = o.remoteEnv ?? {};
  const heads = parseLsRemote(await git('ls-remote', ['ls-remote', '--heads', o.remote, `refs/heads/${o.base}`, `refs/heads/${o.branch}`], { env: remoteEnv }));
  const baseTip = heads.get(`refs/heads/${o.base}`);
  if (!baseTip) throw new GitStepError('ls-remote', `git ls-remote: the remote has no branch "${o.base}" to start from`);
  const remoteTip = heads.get(`refs/heads/${o.branch}`);
  // The objects behind the tips ls-remote saw; the tips themselves are taken from ls-remote, so no
  // remote-tracking ref of the clone is rewritten.
  await git('fetch', ['fetch', '--no-tags', '--quiet', o.remote, `refs/heads/${o.base}`, ...(remoteTip ? [`refs/heads/${o.branch}`] : [])], { env: remoteEnv });

  const parent = remoteTip ?? baseTip;
  const blob = await git('hash-object', ['hash-object', '-w', '--stdin'], { input: o.content });
  const existing = await treeEntry(git, parent, file);
  if (existing?.sha === blob) {
    if (remoteTip) {
      await git('branch', ['branch', '-f', o.branch, remoteTip]);
      return { commit: remoteTip, created: false };
    }
    throw new Error(`pushRunbookBranch: nothing to propose: ${file} on "${o.base}" already has this content`);
  }

  const tree = await treeWith(git, parent, file, existing?.mode === '100755' ? '100755' : '100644', blob);
  const commit = await git(
    'commit-tree',
    ['-c', `user.name=${o.author.name}`, '-c', `user.email=${o.author.email}`, 'commit-tree', tree, '-p', parent, '-F', '-'],
    { input: o.message },
  );
  await git('branch', ['branch', '-f', o.branch, commit]);
  await git('push', ['push', '--quiet', o.remote, `${commit}:refs/heads/${o.branch}`], { env: remoteEnv });
  return { commit, created: true };
}

/** `runbook/<drill or run>-<date>-<short run id>`, a valid git ref whatever the inputs hold. */
export function branchName(drill: string | undefined, date: string, runId: string): string {
  const day = /^\d{4}-\d{2}-\d{2}/.exec(date)?.[0] ?? refSafe(date, 20);
  // Run ids are `<timestamp>-<section slug>`: a prefix would not tell two runs apart, a digest does.
  const shortId = createHash('sha256').update(runId).digest('hex').slice(0, 8);
  return `runbook/${refSafe(drill ?? '', 40) || 'run'}-${day || 'undated'}-${shortId}`;
}

/** Lower-case letters, digits, `.`, `_` and `-`; no `..`, no leading or trailing punctuation. */
function refSafe(s: string, max: number): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/-{2,}/g, '-')
    .slice(0, max)
    .replace(/(\.lock)+$/, '')
    .replace(/^[-._]+|[-._]+$/g, '');
}

/** A repository-relative path that stays inside the repository and out of `.git`. */
function repoPath(file: string): string {
  const norm = path.posix.normalize(file.replace(/\\/g, '/'));
  if (!file || norm === '.' || norm.startsWith('/') || norm === '..' || norm.startsWith('../') || norm.endsWith('/') || norm.split('/').some((part) => part.toLowerCase() === '.git'))
    throw new Error(`pushRunbookBranch: "${file}" is not a file path inside the repository`);
  return norm;
}

function gitIn(o: PushRunbookBranchOptions): Git {
  return gitCaller({ runner: o.git, repoArgs: ['-C', o.repoDir], redactor: o.redactor ?? new Redactor(), timeoutMs: o.timeoutMs, signal: o.signal });
}

function parseLsRemote(out: string): Map<string, string> {
  const heads = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [sha, ref] = line.split('\t');
    if (sha && ref && SHA.test(sha)) heads.set(ref, sha);
  }
  return heads;
}

/** The blob and mode at `file` in `commit`, when it is a file there. */
async function treeEntry(git: Git, commit: string, file: string): Promise<{ mode: string; sha: string } | undefined> {
  const out = await git('ls-tree', ['ls-tree', '-z', '--full-tree', commit, '--', file]);
  const m = /^(\d{6}) blob ([0-9a-f]+)\t/.exec(out);
  return m ? { mode: m[1]!, sha: m[2]! } : undefined;
}

/** The tree of `commit` with `file` set to `blob`, built in a throwaway index. */
async function treeWith(git: Git, commit: string, file: string, mode: string, blob: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-tui-index-'));
  const env = { GIT_INDEX_FILE: path.join(dir, 'index') };
  try {
    await git('read-tree', ['read-tree', commit], { env });
    await git('update-index', ['update-index', '--add', '--cacheinfo', mode, blob, file], { env });
    return await git('write-tree', ['write-tree'], { env });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
