import type { Postgres } from './postgres.ts';
import type { Power } from './power.ts';
import type { World } from './world.ts';

export interface Commit {
  sha: string;
  message: string;
  timestamp: number;
  /** gitops repo only: apps whose manifests are broken at this commit. */
  brokenApps: string[];
}

export interface Repo {
  id: number;
  owner: string;
  name: string;
  description: string;
  defaultBranch: string;
  createdAt: number;
  commits: Commit[];
}

/** Gitea in docker-compose on pi2 (outside k3s), with its own database in PostgreSQL. */
export class Gitea {
  readonly repos = new Map<string, Repo>();
  private readonly pushListeners: (() => void)[] = [];

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
        createdAt,
        commits: [{ sha: world.prng.hex(40), message: 'Initial lab state', timestamp: world.now() - 86_400_000, brokenApps: [] }],
      });
    });
  }

  get node(): string {
    return this.world.topology.gitea.node;
  }

  get version(): string {
    return this.world.topology.gitea.version;
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

  gitopsRepo(): Repo {
    const repo = this.repos.get(this.world.topology.argocd.repo);
    if (!repo) throw new Error(`gitops repo ${this.world.topology.argocd.repo} is not in gitea.repos`);
    return repo;
  }

  head(repo: Repo): Commit {
    return repo.commits[repo.commits.length - 1] as Commit;
  }

  /** A push to the gitops repo; ArgoCD hears about it through Gitea's webhook. */
  pushGitops(message: string, brokenApps: string[]): Commit {
    const repo = this.gitopsRepo();
    const commit = { sha: this.world.prng.hex(40), message, timestamp: this.world.now(), brokenApps };
    repo.commits.push(commit);
    this.world.touch();
    for (const listener of this.pushListeners) listener();
    return commit;
  }

  onPush(listener: () => void): void {
    this.pushListeners.push(listener);
  }
}
