// The argocd-bad-sync drill in git: a broken commit pushed to the branch ArgoCD tracks, and the
// revert an operator pushes to undo it.
import { parseDocument } from 'yaml';
import { GitError } from '../git/git-exec.ts';
import type { Commit } from '../git/git-objects.ts';
import type { FileChange } from '../git/write-commit.ts';
import { ControlError } from './control-error.ts';
import type { Gitea, Repo } from './gitea.ts';
import { manifestFile } from './gitops-tree.ts';
import type { Lab } from './lab.ts';
import { mainContainerIndex } from './chart-pod-templates.ts';

const breakSubject = (app: string) => `drill(argocd-bad-sync): break ${app}: image tag that does not exist, ConfigMaps removed`;

function tracked(gitea: Gitea, branch: string): { repo: Repo; tip: Commit } {
  const repo = gitea.gitopsRepo();
  const tip = gitea.tip(repo, branch);
  if (!tip) throw new ControlError(409, `${repo.owner}/${repo.name} has no branch ${branch}`);
  return { repo, tip };
}

/** Commits, on the tracked branch, `app`'s workloads on an image tag that was never built and its ConfigMaps deleted. */
export function pushBrokenRef(lab: Lab, app: string): Promise<Commit> {
  const t = lab.world.topology;
  const spec = t.argocd.apps.find((a) => a.name === app);
  if (!spec) throw new ControlError(400, `unknown app ${app}`);
  const { repo, tip } = tracked(lab.gitea, t.argocd.targetRevision);
  const changes: FileChange[] = [];
  for (const name of spec.workloads) {
    const w = t.workloads.find((x) => x.namespace === spec.namespace && x.name === name);
    const file = w && tip.files.get(manifestFile(app, w.kind, name));
    if (!w || !file) continue;
    const doc = parseDocument(file.data.toString('utf8'));
    const main = mainContainerIndex((doc.toJS() as { spec?: { template?: Parameters<typeof mainContainerIndex>[0] } }).spec?.template ?? {});
    const image = String(doc.getIn(['spec', 'template', 'spec', 'containers', main, 'image']) ?? w.image);
    doc.setIn(['spec', 'template', 'spec', 'containers', main, 'image'], `${image.replace(/:[^:/]*$/, '')}:does-not-exist-${tip.sha.slice(0, 7)}`);
    changes.push({ path: manifestFile(app, w.kind, name), data: Buffer.from(doc.toString({ lineWidth: 0 })) });
  }
  for (const name of spec.configMaps) {
    const path = manifestFile(app, 'ConfigMap', name);
    if (tip.files.has(path)) changes.push({ path, data: null });
  }
  return lab.gitea.commit(repo, { branch: t.argocd.targetRevision, changes, message: breakSubject(app) });
}

/**
 * `git revert` of the newest commit on the tracked branch (first parents) that broke `app` and
 * that no later commit reverted (git's `This reverts commit <id>.` line says which).
 */
export function revertBrokenRef(lab: Lab, app: string): Promise<Commit> {
  const branch = lab.world.topology.argocd.targetRevision;
  const { repo, tip } = tracked(lab.gitea, branch);
  const reverted = new Set<string>();
  for (let c: Commit | undefined = tip; c; c = c.parents[0] ? repo.commits.get(c.parents[0]) : undefined) {
    for (const m of c.message.matchAll(/^This reverts commit ([0-9a-f]{40})\.$/gm)) reverted.add(m[1] as string);
    if (c.message.split('\n')[0] === breakSubject(app) && !reverted.has(c.sha)) {
      const sha = c.sha;
      return lab.gitea.revert(repo, branch, sha).catch((err: unknown) => {
        // A later commit touched the same lines: the operator resolves that by hand, not the tool.
        if (err instanceof GitError) throw new ControlError(409, `git revert ${sha.slice(0, 10)} does not apply: ${err.stderr.trim()}`);
        throw err;
      });
    }
  }
  throw new ControlError(409, `the gitops head has nothing to revert for ${app}`);
}
