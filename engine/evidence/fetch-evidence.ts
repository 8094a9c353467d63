import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ProcessRunner } from '../adapters/process.ts';
import { Redactor } from '../runbook/redact.ts';
import { gitCaller, withoutCredentials } from '../pr/git-caller.ts';

export interface FetchEvidenceOptions {
  git: ProcessRunner;
  /** A URL, scp form, or a local path (already absolute) of the evidence repository. */
  repo: string;
  branch: string;
  /** Where fetched evidence repositories are kept between runs (one directory per repository). */
  cacheDir: string;
  timeoutMs?: number;
}

/** An evidence remote that has no evidence branch: nothing was pushed there yet, or the name is wrong. */
export class NoEvidenceBranch extends Error {}

/**
 * The evidence branch of `repo`, checked out in a cache directory: a fresh one is created on first
 * use, later calls fetch into it. The cache keeps no remote URL in its configuration (a URL may
 * carry credentials); its working tree is reset to the fetched tip, so nothing stale is judged.
 */
export async function fetchEvidence(o: FetchEvidenceOptions): Promise<{ runsDir: string; commit: string; dir: string }> {
  const shown = withoutCredentials(o.repo);
  const dir = path.join(o.cacheDir, createHash('sha256').update(`${shown}\n${o.branch}`).digest('hex').slice(0, 16));
  const git = gitCaller({ runner: o.git, repoArgs: ['--git-dir', path.join(dir, '.git')], redactor: new Redactor(), timeoutMs: o.timeoutMs });
  if (!fs.existsSync(path.join(dir, '.git'))) {
    fs.mkdirSync(dir, { recursive: true });
    await git('init', ['init', '--quiet', dir], { noRepo: true });
  }
  await git('check-ref-format', ['check-ref-format', `refs/heads/${o.branch}`]);
  try {
    await git('fetch', ['fetch', '--quiet', '--no-tags', '--', o.repo, `+refs/heads/${o.branch}:refs/evidence/${o.branch}`]);
  } catch (e) {
    if (/couldn't find remote ref|no such ref|not our ref/i.test((e as Error).message))
      throw new NoEvidenceBranch(`${shown} has no branch "${o.branch}": no evidence pushed there yet (lab-tui evidence push), or another branch was meant`);
    throw e;
  }
  const commit = await git('rev-parse', ['rev-parse', '--verify', `refs/evidence/${o.branch}^{commit}`]);
  await git('checkout', ['-C', dir, '-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--force', '--detach', commit], { noRepo: true });
  await git('clean', ['-C', dir, 'clean', '-q', '-f', '-d', '-x'], { noRepo: true });
  return { runsDir: path.join(dir, 'runs'), commit, dir };
}
