import { PgRoles, type PgRole } from './postgres-roles.ts';
import type { Power } from './power.ts';
import type { World } from './world.ts';

export interface Database {
  name: string;
  owner: string;
  /** The main table holding `rows`; null for a database created empty (no schema at all). */
  table: string | null;
  rows: number;
  dataToken: string;
}

export interface Backup extends Database {
  takenAt: number;
  location: string;
}

/** The superuser the official image's initdb creates (POSTGRES_USER unset). */
const BOOTSTRAP_SUPERUSER = 'postgres';

/**
 * PostgreSQL in docker-compose on pi2, outside k3s: up when pi2 has booted and the container
 * has started, with the databases, the roles (among them the dynamic ones Vault creates, VALID
 * UNTIL = lease expiry) and the nightly dumps in the sandbox backup bucket.
 */
export class Postgres {
  private readonly databases = new Map<string, Database>();
  readonly roles = new PgRoles(BOOTSTRAP_SUPERUSER);
  readonly backups: Backup[] = [];

  constructor(
    private readonly world: World,
    private readonly power: Power,
  ) {
    const spec = world.topology.postgres;
    for (const db of spec.databases) {
      // The owners' passwords live with their applications, not in the lab: nobody logs in as them here.
      if (!this.roles.get(db.owner)) this.roles.create(db.owner, { login: true });
      this.databases.set(db.name, { ...db });
      this.backups.push({ ...db, takenAt: world.now() - spec.backupAge, location: `${spec.backupBucket}/${db.name}.dump` });
    }
  }

  get node(): string {
    return this.world.topology.postgres.node;
  }

  get address(): string {
    const node = this.power.specs().find((n) => n.name === this.node);
    return `${node?.internalIP ?? this.node}:${this.world.topology.postgres.port}`;
  }

  upAt(): number | undefined {
    if (!this.power.isPowered(this.node)) return undefined;
    return this.power.bootDoneAt(this.node) + this.world.topology.timings.postgresStart;
  }

  isUp(): boolean {
    const at = this.upAt();
    if (at === undefined) return false;
    if (this.world.now() < at) {
      this.world.wakeAt(at);
      return false;
    }
    return true;
  }

  database(name: string): Database | undefined {
    return this.databases.get(name);
  }

  databaseNames(): string[] {
    return [...this.databases.keys()];
  }

  /** Why a client cannot use `database` (as `user`, if given), or null when it can. */
  connectionProblem(database: string, user?: string): string | null {
    if (!this.isUp()) return `connection to server at "${this.address}" failed: Connection refused`;
    if (user !== undefined && !this.roleValid(user)) return `FATAL: password authentication failed for user "${user}"`;
    const db = this.databases.get(database);
    if (!db) return `FATAL: database "${database}" does not exist`;
    // A database re-created empty is not a restore: the application finds no schema.
    const table = this.world.topology.postgres.databases.find((d) => d.name === database)?.table;
    if (db.table === null && table) return `ERROR: relation "${table}" does not exist`;
    return null;
  }

  /** CREATE DATABASE: empty, no tables until a dump is restored into it. */
  create(name: string, owner: string): void {
    this.databases.set(name, { name, owner, table: null, rows: 0, dataToken: '' });
    this.world.touch();
  }

  drop(name: string): void {
    this.databases.delete(name);
    this.world.touch();
  }

  /** pg_restore of the newest dump of `name` from the backup bucket. */
  restore(name: string): Backup {
    const backup = [...this.backups].reverse().find((b) => b.name === name);
    if (!backup) throw new Error(`no backup of database "${name}" in ${this.world.topology.postgres.backupBucket}`);
    this.databases.set(name, { name: backup.name, owner: backup.owner, table: backup.table, rows: backup.rows, dataToken: backup.dataToken });
    this.world.touch();
    return backup;
  }

  /** Databases `role` owns: DROP ROLE refuses while there are any. */
  ownedBy(role: string): string[] {
    return [...this.databases.values()].filter((d) => d.owner === role).map((d) => d.name);
  }

  /** Can `user` log in now: it exists, has LOGIN, and its VALID UNTIL has not passed. */
  roleValid(user: string): boolean {
    const role = this.roles.get(user);
    return !!role?.login && !this.expired(role);
  }

  /** VALID UNTIL has passed (sim time); until then the world wakes when it does. */
  expired(role: PgRole): boolean {
    if (this.world.now() >= role.validUntil) return true;
    if (role.validUntil !== Infinity) this.world.wakeAt(role.validUntil);
    return false;
  }

  intact(name: string): boolean {
    const spec = this.world.topology.postgres.databases.find((d) => d.name === name);
    const db = this.databases.get(name);
    return !!spec && !!db && db.dataToken === spec.dataToken && db.rows === spec.rows;
  }
}
