import { createHash } from 'node:crypto';
import type { Postgres } from './postgres.ts';
import type { Power } from './power.ts';
import type { World } from './world.ts';

export interface Commit {
  sha: string;
  message: string;
  timestamp: number;
  /** gitops repo only: apps whose manifests are broken at this commit. */
  brokenApps: string[];
  /** The repo's files at this commit, path → text. The topology's repos model none. */
  files: ReadonlyMap<string, string>;
  parent?: string;
}

export interface Repo {
  id: number;
  owner: string;
  name: string;
  description: string;
  defaultBranch: string;
  private: boolean;
  createdAt: number;
  /** Oldest first; none while the repo is empty (created without auto_init). */
  commits: Commit[];
}

export interface NewRepo {
  owner: string;
  name: string;
  description: string;
  private: boolean;
  defaultBranch: string;
}

/** Who commits through the API: the user the sandbox's write token belongs to. */
export const API_USER = 'lab-tui';

/** git's object id of a blob, so file shas match what a clone of the repo would show. */
export function blobSha(text: string): string {
  const body = Buffer.from(text);
  return createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
}

/** A stand-in for git's tree id: it changes exactly when the listing below `dir` does. */
export function treeSha(files: ReadonlyMap<string, string>, dir = ''): string {
  const prefix = dir ? `${dir}/` : '';
  const hash = createHash('sha1').update('tree\0');
  for (const path of [...files.keys()].filter((p) => p.startsWith(prefix)).sort()) hash.update(`${path}\0${blobSha(files.get(path) as string)}\n`);
  return hash.digest('hex');
}

/** Gitea in docker-compose on pi2 (outside k3s), with its own database in PostgreSQL. */
export class Gitea {
  readonly repos = new Map<string, Repo>();
  /** Organisations own the repos; they outlive their last repo. */
  readonly orgs: ReadonlySet<string>;
  private readonly pushListeners: ((repo: Repo) => void)[] = [];

  constructor(
    private readonly world: World,
    private readonly power: Power,
    private readonly postgres: Postgres,
  ) {
    world.topology.gitea.repos.forEach((r, i) => {
      const createdAt = world.now() - 400 * 86_400_000;
      this.repos.set(`${r.owner}/${r.name}`, {
        id: i + 1,
        ...r,
        private: true,
        createdAt,
        commits: [{ sha: world.prng.hex(40), message: 'Initial lab state', timestamp: world.now() - 86_400_000, brokenApps: [], files: new Map() }],
      });
    });
    this.orgs = new Set(world.topology.gitea.repos.map((r) => r.owner));
  }

  get node(): string {
    return this.world.topology.gitea.node;
  }

  get version(): string {
    return this.world.topology.gitea.version;
  }

  /** The write token's user commits with Gitea's no-reply address. */
  get apiUserEmail(): string {
    return `${API_USER}@noreply.gitea.${this.world.topology.cluster.dnsZone}`;
  }

  isUp(): boolean {
    if (!this.power.isPowered(this.node)) return false;
    const at = this.power.bootDoneAt(this.node) + this.world.topology.timings.giteaStart;
    if (this.world.now() < at) {
      this.world.wakeAt(at);
      return false;
    }
    return true;
  }

  databaseProblem(): string | null {
    return this.postgres.connectionProblem(this.world.topology.gitea.database);
  }

  /** Gitea's lookups ignore case: `Arcodange/Canary` is `arcodange/canary`. */
  find(owner: string, name: string): Repo | undefined {
    const key = `${owner}/${name}`.toLowerCase();
    for (const repo of this.repos.values()) if (`${repo.owner}/${repo.name}`.toLowerCase() === key) return repo;
    return undefined;
  }

  /** The repo a clone URL points at: `…/<owner>/<name>[.git]`, whatever the host. */
  findByUrl(url: string): Repo | undefined {
    const m = /\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url);
    return m ? this.find(m[1] as string, m[2] as string) : undefined;
  }

  /**
   * Gitea's container registry at `gitea.<zone>/<owner>/<repo>:<tag>`. lab-sim does not model
   * image pushes: CI is taken to have published every tag of every repo's image.
   */
  hostsImage(image: string): boolean {
    const zone = this.world.topology.cluster.dnsZone.replace(/\./g, '\\.');
    const m = new RegExp(`^gitea\\.${zone}/([^/]+)/([^/:@]+):[^/]+$`).exec(image);
    return !!m && this.find(m[1] as string, m[2] as string) !== undefined;
  }

  gitopsRepo(): Repo {
    const repo = this.repos.get(this.world.topology.argocd.repo);
    if (!repo) throw new Error(`gitops repo ${this.world.topology.argocd.repo} is not in gitea.repos`);
    return repo;
  }

  /** The default branch's tip of a repo that has one (the topology's repos always do). */
  head(repo: Repo): Commit {
    const head = this.branchHead(repo);
    if (!head) throw new Error(`${repo.owner}/${repo.name} is empty`);
    return head;
  }

  branchHead(repo: Repo): Commit | undefined {
    return repo.commits[repo.commits.length - 1];
  }

  /** A ref as Gitea resolves it: the default branch's name or a commit sha (full or short). */
  resolve(repo: Repo, ref: string | null): Commit | undefined {
    if (ref === null || ref === '' || ref === repo.defaultBranch) return this.branchHead(repo);
    if (!/^[0-9a-f]{7,40}$/.test(ref)) return undefined;
    return [...repo.commits].reverse().find((c) => c.sha.startsWith(ref));
  }

  createRepo(spec: NewRepo): Repo {
    const id = Math.max(0, ...[...this.repos.values()].map((r) => r.id)) + 1;
    const repo: Repo = { id, ...spec, createdAt: this.world.now(), commits: [] };
    this.repos.set(`${spec.owner}/${spec.name}`, repo);
    this.world.touch();
    return repo;
  }

  deleteRepo(repo: Repo): void {
    this.repos.delete(`${repo.owner}/${repo.name}`);
    this.world.touch();
    for (const listener of this.pushListeners) listener(repo);
  }

  /** A commit on the default branch that adds or replaces one file (the contents API). */
  commitFile(repo: Repo, path: string, text: string, message: string): Commit {
    const parent = this.branchHead(repo);
    const files = new Map(parent?.files ?? []);
    files.set(path, text);
    return this.push(repo, { message, brokenApps: parent?.brokenApps ?? [], files });
  }

  /** A push to the gitops repo; ArgoCD hears about it through Gitea's webhook. */
  pushGitops(message: string, brokenApps: string[]): Commit {
    const repo = this.gitopsRepo();
    return this.push(repo, { message, brokenApps, files: this.head(repo).files });
  }

  private push(repo: Repo, change: Pick<Commit, 'message' | 'brokenApps' | 'files'>): Commit {
    const parent = this.branchHead(repo)?.sha;
    const commit: Commit = { sha: this.world.prng.hex(40), timestamp: this.world.now(), ...(parent ? { parent } : {}), ...change };
    repo.commits.push(commit);
    this.world.touch();
    for (const listener of this.pushListeners) listener(repo);
    return commit;
  }

  /** Gitea's webhook to ArgoCD, org-wide: pushes and repo deletions. */
  onPush(listener: (repo: Repo) => void): void {
    this.pushListeners.push(listener);
  }
}
