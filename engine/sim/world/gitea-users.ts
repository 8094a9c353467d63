import type { Prng } from '../prng.ts';

export type Permission = 'read' | 'write' | 'admin';

export interface AccessToken {
  id: number;
  name: string;
  sha1: string;
  /** Gitea's scope names (`read:repository`, `write:repository`, `all`...). */
  scopes: string[];
}

export interface GiteaUser {
  id: number;
  login: string;
  email: string;
  /** Kept only to answer Basic auth; never logged or served. */
  password: string;
  createdAt: number;
  tokens: AccessToken[];
}

/**
 * The users of the sandbox's Gitea: the write token's own (a site admin), and the ones the admin
 * creates through the API, with their personal access tokens and the repositories they
 * were made collaborators of. Argo CD's read-only identity is one of them.
 */
export class GiteaUsers {
  private readonly users = new Map<string, GiteaUser>();
  /** `owner/repo` (lower case) → login (lower case) → permission. */
  private readonly collaborators = new Map<string, Map<string, Permission>>();
  private ids = 1;
  private tokenIds = 0;

  constructor(
    private readonly prng: Prng,
    /** The sandbox's write token, its site admin's. */
    private readonly adminToken: string,
  ) {}

  isAdminToken(sent: string): boolean {
    return sent === this.adminToken;
  }

  find(login: string): GiteaUser | undefined {
    return this.users.get(login.toLowerCase());
  }

  create(user: { login: string; email: string; password: string; now: number }): GiteaUser {
    const created: GiteaUser = { id: ++this.ids, login: user.login, email: user.email, password: user.password, createdAt: user.now, tokens: [] };
    this.users.set(user.login.toLowerCase(), created);
    return created;
  }

  /** Purging a user takes their tokens and collaborations with them. */
  delete(login: string): boolean {
    const key = login.toLowerCase();
    for (const perms of this.collaborators.values()) perms.delete(key);
    return this.users.delete(key);
  }

  addToken(user: GiteaUser, name: string, scopes: string[]): AccessToken {
    const token = { id: ++this.tokenIds, name, sha1: this.prng.hex(40), scopes };
    user.tokens.push(token);
    return token;
  }

  byToken(sha1: string): { user: GiteaUser; token: AccessToken } | undefined {
    for (const user of this.users.values()) {
      const token = user.tokens.find((t) => t.sha1 === sha1);
      if (token) return { user, token };
    }
    return undefined;
  }

  setCollaborator(repoFullName: string, login: string, permission: Permission): void {
    const key = repoFullName.toLowerCase();
    const perms = this.collaborators.get(key) ?? new Map<string, Permission>();
    perms.set(login.toLowerCase(), permission);
    this.collaborators.set(key, perms);
  }

  permission(repoFullName: string, login: string): Permission | undefined {
    return this.collaborators.get(repoFullName.toLowerCase())?.get(login.toLowerCase());
  }

  /** A deleted repository takes its collaborators with it. */
  forgetRepo(repoFullName: string): void {
    this.collaborators.delete(repoFullName.toLowerCase());
  }
}
