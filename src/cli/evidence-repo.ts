import path from 'node:path';
import { fetchEvidence, NoEvidenceBranch } from '../../engine/evidence/fetch-evidence.ts';
import { GitStepError } from '../../engine/pr/git-caller.ts';
import { xdgCacheHome } from '../config/paths.ts';
import { evidenceReaderGit } from '../guard/evidence-reader.ts';
import { isLocalPath } from '../guard/normalize.ts';
import type { CommandContext } from './commands.ts';
import { configFileIfAny } from './target.ts';

/** The evidence branch could not be read: the gate has nothing to judge (exit 1, not a usage error). */
export class EvidenceRepoUnreadable extends Error {}

/** `--evidence-repo` as git reads it: a URL or scp form stays as given, a local path becomes absolute. */
function repoArgument(repo: string): string {
  return isLocalPath(repo) ? path.resolve(repo) : repo;
}

/**
 * The `runs/` directory of the evidence branch of `--evidence-repo`, fetched into lab-tui's cache.
 * No sandbox is resolved (CI has none); the branch is --evidence-branch, else the configuration's
 * sandbox.evidence.branch when there is a configuration, else `evidence`.
 */
export async function evidenceRepoRuns(ctx: CommandContext, repo: string): Promise<{ runsDir: string; commit: string }> {
  const branch = typeof ctx.values['evidence-branch'] === 'string' ? ctx.values['evidence-branch'] : (configFileIfAny(ctx.global, ctx.io.env)?.sandbox.evidence.branch ?? 'evidence');
  try {
    return await fetchEvidence({ git: evidenceReaderGit(ctx.io.env), repo: repoArgument(repo), branch, cacheDir: path.join(xdgCacheHome(ctx.io.env), 'lab-tui', 'evidence-repos') });
  } catch (e) {
    if (e instanceof NoEvidenceBranch || e instanceof GitStepError) throw new EvidenceRepoUnreadable(`--evidence-repo: ${e.message}`);
    throw e;
  }
}
