import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeAdapter } from '../adapters/kube.ts';
import type { ProcessRunner } from '../adapters/process.ts';
import { Redactor } from '../runbook/redact.ts';

/** Where git pushes an Application's repository, as the guard resolved it (with git's credentials for it). */
export type GitopsRemote = { remote: string; remoteEnv?: Record<string, string> } | { missing: string };

export interface GitopsFaultDeps {
  kube: () => Promise<KubeAdapter>;
  git: ProcessRunner;
  /** The guard's answer for the repoURL an Application tracks. */
  remoteFor(repoURL: string): GitopsRemote;
  redactor?: Redactor;
  timeoutMs?: number;
}

const APPLICATIONS = { group: 'argoproj.io', version: 'v1alpha1', plural: 'applications' };
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
const AUTHOR = ['-c', 'user.name=lab-tui', '-c', 'user.email=lab-tui@sandbox.invalid'];

/** The subject of the broken commit; its revert is found by it (git's `This reverts commit <id>.`). */
export const breakSubject = (app: string) => `drill(argocd-bad-sync): break ${app}: image tag that does not exist, ConfigMaps removed`;

interface Tracked {
  remote: string;
  remoteEnv?: Record<string, string>;
  branch?: string;
  path: string;
}

type AppObject = { metadata?: { name?: string }; spec?: { source?: AppSource; sources?: AppSource[] } };
type AppSource = { repoURL?: string; path?: string; targetRevision?: string };

/** The repository, branch and directory the Application `app` syncs from, read from the cluster. */
async function tracked(d: GitopsFaultDeps, app: string): Promise<Tracked> {
  const apps = (await (await d.kube()).listCustom(APPLICATIONS)) as AppObject[];
  const found = apps.find((a) => a.metadata?.name === app);
  if (!found) throw new Error(`no Argo CD Application ${app} (applications.argoproj.io)`);
  const source = found.spec?.source ?? found.spec?.sources?.find((s) => s.path !== undefined);
  if (!source?.repoURL) throw new Error(`Application ${app} has no git source (spec.source.repoURL)`);
  const where = d.remoteFor(source.repoURL);
  if ('missing' in where) throw new Error(`cannot push to ${source.repoURL}: ${where.missing}`);
  const rev = source.targetRevision;
  return { ...where, branch: rev && rev !== 'HEAD' ? rev : undefined, path: source.path ?? '.' };
}

type Git = (args: string[], opts?: { cwd?: string; remote?: boolean }) => Promise<string>;

function gitWith(d: GitopsFaultDeps, t: Tracked): Git {
  const redactor = d.redactor ?? new Redactor();
  return async (args, opts = {}) => {
    const r = await d.git.run('git', args, { cwd: opts.cwd, timeoutMs: d.timeoutMs ?? 120_000, env: { GIT_TERMINAL_PROMPT: '0', ...(opts.remote ? t.remoteEnv : {}) } });
    if (!r.failed && r.exitCode === 0) return typeof r.stdout === 'string' ? r.stdout.trim() : '';
    const why = (typeof r.stderr === 'string' && r.stderr.trim()) || r.originalMessage || `exit code ${r.exitCode}`;
    throw new Error(`git ${args[0]} failed: ${redactor.redact(why)}`);
  };
}

/** A shallow-enough clone of the tracked branch in a directory of its own, removed afterwards. */
async function inClone<T>(d: GitopsFaultDeps, t: Tracked, work: (git: Git, dir: string, branch: string) => Promise<T>): Promise<T> {
  const git = gitWith(d, t);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-tui-gitops-'));
  try {
    await git(['clone', '--quiet', '--no-tags', '--single-branch', ...(t.branch ? ['--branch', t.branch] : []), '--', t.remote, dir], { remote: true });
    const branch = t.branch ?? (await git(['-C', dir, 'rev-parse', '--abbrev-ref', 'HEAD']));
    return await work((args, opts) => git(['-C', dir, ...args], opts), dir, branch);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function yamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === '.git' ? [] : yamlFiles(p);
    return /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

/**
 * The broken version of the Application's manifests: every workload's containers on an image tag
 * that was never built, every ConfigMap removed (Argo CD prunes it). Plain manifests only: a Helm
 * or Kustomize source has nothing here to break.
 */
function breakManifests(root: string, tag: string): number {
  let changed = 0;
  for (const file of yamlFiles(root)) {
    const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'));
    if (!Array.isArray(docs)) continue;
    let touched = false;
    const kept = docs.filter((doc) => {
      const kind = doc.get('kind');
      if (kind === 'ConfigMap') return !(touched = true);
      if (typeof kind === 'string' && WORKLOADS.has(kind)) {
        const containers = doc.getIn(['spec', 'template', 'spec', 'containers']) as { items?: unknown[] } | undefined;
        (containers?.items ?? []).forEach((_, i) => {
          const image = String(doc.getIn(['spec', 'template', 'spec', 'containers', i, 'image']) ?? '');
          doc.setIn(['spec', 'template', 'spec', 'containers', i, 'image'], `${image.replace(/:[^:/]*$/, '').replace(/@sha256:.*$/, '')}:${tag}`);
          touched = true;
        });
      }
      return true;
    });
    if (!touched) continue;
    changed++;
    if (!kept.length) fs.rmSync(file);
    else fs.writeFileSync(file, kept.map((doc) => doc.toString({ lineWidth: 0 })).join('---\n'));
  }
  return changed;
}

/** Pushes the broken commit for `app` to the branch its Application tracks; returns what was pushed. */
export async function pushBrokenCommit(d: GitopsFaultDeps, app: string): Promise<{ sha: string; detail: string }> {
  const t = await tracked(d, app);
  return inClone(d, t, async (git, dir, branch) => {
    const tip = await git(['rev-parse', 'HEAD']);
    const changed = breakManifests(path.join(dir, t.path), `does-not-exist-${tip.slice(0, 7)}`);
    if (!changed) throw new Error(`${t.path} on ${branch} holds no workload or ConfigMap manifest to break`);
    await git(['add', '--all', '--', t.path]);
    await git([...AUTHOR, 'commit', '--quiet', '-m', breakSubject(app)]);
    const sha = await git(['rev-parse', 'HEAD']);
    await git(['push', '--quiet', t.remote, `HEAD:refs/heads/${branch}`], { remote: true });
    return { sha, detail: `${sha.slice(0, 10)} on ${branch} of ${t.remote} (${changed} file(s) of ${t.path})` };
  });
}

/**
 * `git revert` of the newest broken commit for `app` that no later commit reverted, pushed;
 * nothing when the runbook's own revert already undid it.
 */
export async function revertBrokenCommit(d: GitopsFaultDeps, app: string): Promise<string> {
  const t = await tracked(d, app);
  return inClone(d, t, async (git, _dir, branch) => {
    const log = await git(['log', '--first-parent', '--format=%H%x00%B%x01']);
    const reverted = new Set<string>();
    for (const entry of log.split('\x01')) {
      const [sha, body = ''] = entry.trim().split('\x00');
      if (!sha) continue;
      for (const m of body.matchAll(/^This reverts commit ([0-9a-f]{40})\.$/gm)) reverted.add(m[1]!);
      if (body.split('\n')[0] !== breakSubject(app)) continue;
      if (reverted.has(sha)) return `nothing to revert: ${sha.slice(0, 10)} is reverted on ${branch} already`;
      await git([...AUTHOR, 'revert', '--no-edit', sha]);
      const revert = await git(['rev-parse', 'HEAD']);
      await git(['push', '--quiet', t.remote, `HEAD:refs/heads/${branch}`], { remote: true });
      return `${sha.slice(0, 10)} reverted by ${revert.slice(0, 10)} on ${branch}`;
    }
    return `nothing to revert: no broken commit for ${app} on ${branch}`;
  });
}
