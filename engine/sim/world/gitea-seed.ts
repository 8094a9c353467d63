import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { manifestPath } from '../../common/package-root.ts';
import { runGit } from '../git/git-exec.ts';
import type { Topology } from '../topology/topology-types.ts';
import type { Gitea } from './gitea.ts';
import { gitopsFiles } from './gitops-tree.ts';

/** The repository that holds the lab's runbooks; lab-sim seeds it with the ones lab-tui ships. */
export const RUNBOOKS_REPO = 'runbooks';

const DAY_MS = 86_400_000;
const REPO_AGE_MS = 400 * DAY_MS;

/** What each topology repository holds at start: gitops its manifests, runbooks the shipped ones, others a README. */
function seedFiles(t: Topology, repo: Topology['gitea']['repos'][number]): Map<string, string> {
  if (`${repo.owner}/${repo.name}` === t.argocd.repo) return gitopsFiles(t);
  if (repo.name === RUNBOOKS_REPO) {
    const dir = manifestPath('runbooks');
    return new Map(readdirSync(dir).filter((f) => f.endsWith('.md')).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  }
  // What Gitea's auto_init commits.
  return new Map([['README.md', `# ${repo.name}\n\n${repo.description}\n`]]);
}

/**
 * Creates the topology's repositories afresh under `gitea.gitRoot` (a restarted lab-sim starts
 * from the same lab, so an earlier run's pushes are dropped), each with one commit from a day ago.
 */
export async function seedRepositories(gitea: Gitea, t: Topology, now: number): Promise<void> {
  rmSync(gitea.gitRoot, { recursive: true, force: true });
  await Promise.all(
    t.gitea.repos.map(async (spec) => {
      const repo = await gitea.createRepo(spec, now - REPO_AGE_MS);
      const changes = [...seedFiles(t, spec)].map(([path, text]) => ({ path, data: Buffer.from(text) }));
      await gitea.commit(repo, { changes, message: 'Initial lab state', at: now - DAY_MS });
    }),
  );
}

/**
 * The operator's clone of the runbooks repository in the state directory (`sandbox.runbooks.path`),
 * its `origin` the repository as Gitea serves it (`sandbox.runbooks.remote`). Made afresh, like
 * the repository it clones; cloned from disk while Gitea's listener starts, whose address
 * `giteaUrl` brings.
 */
export async function cloneRunbooks(gitea: Gitea, t: Topology, dir: string, giteaUrl: Promise<string>): Promise<{ path: string; remote: string } | undefined> {
  const spec = t.gitea.repos.find((r) => r.name === RUNBOOKS_REPO);
  const repo = spec && gitea.find(spec.owner, spec.name);
  if (!repo) return undefined;
  rmSync(dir, { recursive: true, force: true });
  await runGit(['clone', '--quiet', repo.gitDir, dir]);
  const remote = `${await giteaUrl}/${repo.owner}/${repo.name}.git`;
  await runGit(['remote', 'set-url', 'origin', remote], { cwd: dir });
  return { path: dir, remote };
}
