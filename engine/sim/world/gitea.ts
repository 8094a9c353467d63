import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Commit } from '../git/git-objects.ts';
import { readRefs } from '../git/read-commits.ts';
import { revertOnBranch } from '../git/revert-commit.ts';
import { runGit } from '../git/git-exec.ts';
import { initBare, looseRef, writeCommit, type FileChange, type Identity } from '../git/write-commit.ts';
import type { GiteaUsers } from './gitea-users.ts';
import type { Postgres } from './postgres.ts';
import type { Power } from './power.ts';
import type { World } from './world.ts';

export type { Commit } from '../git/git-objects.ts';

/** A pull request as Gitea keeps it; its number is the repository's next issue index. */
export interface Pull {
  id: number;
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  mergeBase: string;
  createdAt: number;
}

export interface Repo {
  id: number;
  owner: string;
  name: string;
  description: string;
  defaultBranch: string;
  private: boolean;
  createdAt: number;
  /** The bare repository git http-backend serves: `<stateDir>/git/<owner>/<name>.git`. */
  gitDir: string;
  /** Branch → tip, as last read from the repository (after every write and push). */
  branches: Map<string, string>;
  /** Every commit read so far, by id: commits never change, so each is read once. */
  commits: Map<string, Commit>;
  blobs: Map<string, Buffer>;
  pulls: Pull[];
  /** Writes and re-reads of this repository, one at a time. */
  queue: Promise<unknown>;
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

/**
 * Gitea in docker-compose on pi2 (outside k3s), with its own database in PostgreSQL. Repositories
 * are real bare git repositories; this model mirrors their branches and commits in memory after
 * every write or push, so the world's synchronous settle loop (ArgoCD) reads commits without I/O.
 */
export class Gitea {
  readonly repos = new Map<string, Repo>();
  /** Organisations own the repos; they outlive their last repo. */
  readonly orgs: ReadonlySet<string>;
  private readonly pushListeners: ((repo: Repo) => void)[] = [];
  private pullIds = 0;

  constructor(
    private readonly world: World,
    private readonly power: Power,
    private readonly postgres: Postgres,
    /** Where the bare repositories live: `<stateDir>/git`. */
    readonly gitRoot: string,
    readonly users: GiteaUsers,
  ) {
    this.orgs = new Set(world.topology.gitea.repos.map((r) => r.owner));
  }

  get node(): string {
    return this.world.topology.gitea.node;
  }

  get version(): string {
    return this.world.topology.gitea.version;
  }

  /** The write token's user commits with Gitea's no-reply address. */
  get apiUser(): Identity {
    return { name: API_USER, email: `${API_USER}@noreply.gitea.${this.world.topology.cluster.dnsZone}` };
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
    return this.tip(repo, repo.defaultBranch);
  }

  tip(repo: Repo, branch: string): Commit | undefined {
    const sha = repo.branches.get(branch);
    return sha === undefined ? undefined : repo.commits.get(sha);
  }

  /** A ref as Gitea resolves it: a branch name (the default branch when empty) or a commit id, full or short. */
  resolve(repo: Repo, ref: string | null): Commit | undefined {
    const branch = this.tip(repo, ref || repo.defaultBranch);
    if (branch || !ref || !/^[0-9a-f]{7,40}$/.test(ref)) return branch;
    for (const commit of repo.commits.values()) if (commit.sha.startsWith(ref)) return commit;
    return undefined;
  }

  /** Registered at once, so a concurrent create of the same name sees it; then `git init --bare`. */
  async createRepo(spec: NewRepo, createdAt = this.world.now()): Promise<Repo> {
    const id = Math.max(0, ...[...this.repos.values()].map((r) => r.id)) + 1;
    const gitDir = join(this.gitRoot, spec.owner, `${spec.name}.git`);
    const repo: Repo = { id, ...spec, createdAt, gitDir, branches: new Map(), commits: new Map(), blobs: new Map(), pulls: [], queue: Promise.resolve() };
    this.repos.set(`${spec.owner}/${spec.name}`, repo);
    this.world.touch();
    try {
      await initBare(gitDir, spec.defaultBranch);
    } catch (err) {
      this.repos.delete(`${spec.owner}/${spec.name}`);
      throw err;
    }
    return repo;
  }

  deleteRepo(repo: Repo): void {
    this.repos.delete(`${repo.owner}/${repo.name}`);
    this.users.forgetRepo(`${repo.owner}/${repo.name}`);
    rmSync(repo.gitDir, { recursive: true, force: true });
    this.world.touch();
    for (const listener of this.pushListeners) listener(repo);
  }

  /** One commit on `branch` (the default branch) changing `changes`, by the API user, dated now. */
  commit(repo: Repo, o: { branch?: string; changes: FileChange[]; message: string; at?: number }): Promise<Commit> {
    const branch = o.branch ?? repo.defaultBranch;
    return this.serial(repo, async () => {
      const commit = await writeCommit(repo.gitDir, { branch, parent: this.tip(repo, branch), changes: o.changes, message: o.message, author: this.apiUser, at: o.at ?? this.world.now() });
      // git is the authority: a commit it wrote otherwise than computed is read back instead.
      if ((await looseRef(repo.gitDir, branch)) !== commit.sha) await this.reread(repo);
      else {
        for (const file of commit.files.values()) repo.blobs.set(file.id, file.data);
        repo.commits.set(commit.sha, commit);
        await this.moved(repo, new Map(repo.branches).set(branch, commit.sha));
      }
      return this.tip(repo, branch) as Commit;
    });
  }

  /** `git revert <commit>` on `branch`, pushed by the API user. */
  revert(repo: Repo, branch: string, commit: string): Promise<Commit> {
    return this.serial(repo, async () => {
      await revertOnBranch(repo.gitDir, { branch, commit, who: this.apiUser, at: this.world.now() });
      await this.reread(repo);
      return this.tip(repo, branch) as Commit;
    });
  }

  /** After a push through git http-backend: reads what landed and tells the webhook's listeners. */
  refresh(repo: Repo): Promise<void> {
    return this.serial(repo, () => this.reread(repo));
  }

  /** Records a pull request and its `refs/pull/<n>/head`, as Gitea does. */
  openPull(repo: Repo, p: Omit<Pull, 'id' | 'number' | 'createdAt'>): Promise<Pull> {
    return this.serial(repo, async () => {
      const pull: Pull = { id: ++this.pullIds, number: repo.pulls.length + 1, createdAt: this.world.now(), ...p };
      await runGit(['update-ref', `refs/pull/${pull.number}/head`, repo.branches.get(p.head) as string], { cwd: repo.gitDir });
      repo.pulls.push(pull);
      this.world.touch();
      return pull;
    });
  }

  private serial<T>(repo: Repo, task: () => Promise<T>): Promise<T> {
    const run = repo.queue.then(task, task);
    repo.queue = run.catch(() => undefined);
    return run;
  }

  private async reread(repo: Repo): Promise<void> {
    const { branches, added } = await readRefs(repo.gitDir, repo.commits, repo.blobs);
    for (const commit of added) repo.commits.set(commit.sha, commit);
    await this.moved(repo, branches);
  }

  /** The repository's branches are now `branches`: pull request refs follow, listeners hear of it. */
  private async moved(repo: Repo, branches: Map<string, string>): Promise<void> {
    const moved = [...new Set([...branches.keys(), ...repo.branches.keys()])].filter((b) => branches.get(b) !== repo.branches.get(b));
    repo.branches = branches;
    if (moved.length === 0) return;
    // Gitea keeps each open pull request's head ref on its branch's tip.
    for (const pull of repo.pulls.filter((p) => moved.includes(p.head) && branches.has(p.head))) {
      await runGit(['update-ref', `refs/pull/${pull.number}/head`, branches.get(pull.head) as string], { cwd: repo.gitDir });
    }
    this.world.touch();
    for (const listener of this.pushListeners) listener(repo);
  }

  /** Gitea's webhook to ArgoCD, org-wide: pushes and repo deletions. */
  onPush(listener: (repo: Repo) => void): void {
    this.pushListeners.push(listener);
  }
}
