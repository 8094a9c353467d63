import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGit } from './git-exec.ts';
import type { Identity } from './write-commit.ts';

/**
 * What an operator does to undo a bad commit: clone the branch, `git revert` the commit, push.
 * The clone is local (hard links, no network) and thrown away; the push goes to the bare
 * repository through git's receive-pack, so a push that lost a race is rejected, not forced.
 */
export async function revertOnBranch(gitDir: string, o: { branch: string; commit: string; who: Identity; at: number }): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'lab-sim-revert-'));
  const stamp = `@${Math.floor(o.at / 1000)} +0000`;
  const env = { GIT_AUTHOR_NAME: o.who.name, GIT_AUTHOR_EMAIL: o.who.email, GIT_AUTHOR_DATE: stamp, GIT_COMMITTER_NAME: o.who.name, GIT_COMMITTER_EMAIL: o.who.email, GIT_COMMITTER_DATE: stamp };
  try {
    await runGit(['clone', '--quiet', '--single-branch', '--branch', o.branch, gitDir, work]);
    await runGit(['revert', '--no-edit', o.commit], { cwd: work, env });
    await runGit(['push', '--quiet', 'origin', `HEAD:refs/heads/${o.branch}`], { cwd: work });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
