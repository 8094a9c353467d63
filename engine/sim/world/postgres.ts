import { backupName, templateBackupName } from '../postgres/seed.ts';
import { ident } from '../postgres/sql-text.ts';
import type { Power } from './power.ts';
import type { World } from './world.ts';

/** What lab-sim last read of one of the lab's databases on the real server. */
export interface ObservedDatabase {
  owner: string;
  /** The main table `lab.yaml` names exists. */
  mainTable: boolean;
  rows: number | null;
  dataToken: string | null;
}

/** A template-database copy of a lab database, the sandbox's backup of it. */
export interface Backup {
  database: string;
  owner: string;
  /** The backup database's name, `<db>_backup_<time>`. */
  name: string;
  takenAt: number;
}

/** One session of lab-sim's own on the real server, as the superuser. */
export interface PgSql {
  query<R extends Record<string, unknown> = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
}

export interface PgAdmin {
  session<T>(database: string, fn: (sql: PgSql) => Promise<T>): Promise<T>;
}

/** Work for the real server, queued by the synchronous world and run by the sync step. */
export type PgTask<T> = (admin: PgAdmin) => Promise<T>;

export interface Login {
  username: string;
  password: string;
}

interface KnownLogin extends Login {
  database: string;
  /** VALID UNTIL as Vault wrote it, in sim time (the lab's clocks agree; lab-sim's may not, see README). */
  validUntil: number;
  /** The server's answer to the last real login: null = logged in; undefined = not tried yet. */
  error: string | null | undefined;
}

interface QueuedTask {
  run: PgTask<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/**
 * PostgreSQL in docker-compose on pi2, outside k3s, as the synchronous world sees the real
 * server lab-sim runs for it. The world reads a cache — up or down, the lab's databases (owner,
 * main table, rows, data token), which injected logins work — that the sync step refreshes from
 * the server (see postgres/postgres-sync.ts); what the world does to the server (a dropped
 * database, a restore, Vault's roles) is queued as tasks for that step and applied to the cache
 * at once with its expected effect, until the server's own answer replaces it.
 */
export class Postgres {
  readonly backups: Backup[];
  private serverUp = true;
  private databases = new Map<string, ObservedDatabase>();
  private readonly logins = new Map<string, KnownLogin>();
  private readonly tasks: QueuedTask[] = [];
  /** Set by the sync step: called whenever there is work for the server. */
  onWork: () => void = () => undefined;

  constructor(
    private readonly world: World,
    private readonly power: Power,
  ) {
    const spec = world.topology.postgres;
    const takenAt = world.now() - spec.backupAge;
    this.backups = spec.databases.map((d) => ({ database: d.name, owner: d.owner, name: backupName(d.name, takenAt), takenAt }));
    // The lab has been running: the server holds what the template was seeded with (the sync
    // step confirms it before the sim is handed out).
    for (const d of spec.databases) this.databases.set(d.name, this.seeded(d.name));
  }

  get node(): string {
    return this.world.topology.postgres.node;
  }

  get address(): string {
    const node = this.power.specs().find((n) => n.name === this.node);
    return `${node?.internalIP ?? this.node}:${this.world.topology.postgres.port}`;
  }

  /** [name in the template, name in this lab] for each backup. */
  backupNames(): [string, string][] {
    return this.backups.map((b) => [templateBackupName(b.database), b.name]);
  }

  upAt(): number | undefined {
    if (!this.power.isPowered(this.node)) return undefined;
    return this.power.bootDoneAt(this.node) + this.world.topology.timings.postgresStart;
  }

  /** pi2 has booted and the container has had its start time: the server should be running. */
  shouldRun(): boolean {
    const at = this.upAt();
    if (at === undefined) return false;
    if (this.world.now() < at) {
      this.world.wakeAt(at);
      return false;
    }
    return true;
  }

  /** Running and answering. A machine without power serves nothing, whatever was last seen. */
  isUp(): boolean {
    return this.shouldRun() && this.serverUp;
  }

  database(name: string): ObservedDatabase | undefined {
    return this.databases.get(name);
  }

  /** Why a client cannot use `database` (logging in with `login`, if given), or null when it can. */
  connectionProblem(database: string, login?: Login): string | null {
    if (!this.isUp()) return `connection to server at "${this.address}" failed: Connection refused`;
    const refused = login && this.loginProblem(login, database);
    if (refused) return refused;
    const db = this.databases.get(database);
    if (!db) return `FATAL: database "${database}" does not exist`;
    // A database re-created empty is not a restore: the application finds no schema.
    const table = this.world.topology.postgres.databases.find((d) => d.name === database)?.table;
    if (table && !db.mainTable) return `ERROR: relation "${table}" does not exist`;
    return null;
  }

  /**
   * The server's answer to `login` on `database` as last tried. The server's clock is the wall
   * clock while sim time may run ahead (manual clock), so VALID UNTIL is also held against sim
   * time here; PostgreSQL refuses an expired role with the same message as a wrong password.
   */
  private loginProblem(login: Login, database: string): string | null {
    const refused = `FATAL: password authentication failed for user "${login.username}"`;
    const known = this.logins.get(key(login.username, database));
    if (!known || known.password !== login.password) {
      // Credentials lab-sim did not see issued: refused until a real login has been tried.
      this.logins.set(key(login.username, database), { ...login, database, validUntil: Infinity, error: undefined });
      this.onWork();
      return refused;
    }
    if (known.error) return `FATAL: ${known.error}`;
    if (this.world.now() >= known.validUntil) return refused;
    if (known.validUntil !== Infinity) this.world.wakeAt(known.validUntil);
    return null;
  }

  /** The login Vault issued as `username` works, as last tried, and its VALID UNTIL has not passed. */
  roleValid(username: string): boolean {
    const login = [...this.logins.values()].find((l) => l.username === username);
    return !!login && !login.error && this.world.now() < login.validUntil;
  }

  /** Vault issued `login` for `database`: expected to work until the server says otherwise. */
  expectLogin(login: Login, database: string, validUntil: number): void {
    this.logins.set(key(login.username, database), { ...login, database, validUntil, error: undefined });
    this.world.touch();
  }

  extendLogin(username: string, validUntil: number): void {
    for (const l of this.logins.values()) if (l.username === username) l.validUntil = validUntil;
    this.world.touch();
  }

  forgetLogin(username: string): void {
    for (const [k, l] of this.logins) if (l.username === username) this.logins.delete(k);
    this.world.touch();
  }

  /** Queues `task` for the real server; resolves once the sync step has run it. */
  run<T>(task: PgTask<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.tasks.push({ run: task as PgTask<unknown>, resolve: resolve as (v: unknown) => void, reject });
      this.onWork();
    });
  }

  /** DROP DATABASE … WITH (FORCE), as the db-drop fault does it. */
  drop(name: string): Promise<void> {
    this.databases.delete(name);
    this.world.touch();
    return this.run(async (admin) => {
      await admin.session('postgres', (sql) => sql.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`));
    });
  }

  /** The newest backup of `name`, copied back as the database (its owner, its rows). */
  restore(name: string): { backup: Backup; done: Promise<void> } {
    const backup = [...this.backups].reverse().find((b) => b.database === name);
    if (!backup) throw new Error(`no backup of database "${name}"`);
    this.databases.set(name, this.seeded(name));
    this.world.touch();
    const done = this.run(async (admin) => {
      await admin.session('postgres', async (sql) => {
        await sql.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
        await sql.query(`CREATE DATABASE ${ident(name)} OWNER ${ident(backup.owner)} TEMPLATE ${ident(backup.name)}`);
      });
    });
    return { backup, done };
  }

  intact(name: string): boolean {
    const spec = this.world.topology.postgres.databases.find((d) => d.name === name);
    const db = this.databases.get(name);
    return !!spec && !!db && db.mainTable && db.dataToken === spec.dataToken && db.rows === spec.rows;
  }

  // The sync step's side.

  takeTasks(): QueuedTask[] {
    return this.tasks.splice(0);
  }

  hasTasks(): boolean {
    return this.tasks.length > 0;
  }


  /** Every login the world relies on, to be tried for real. */
  knownLogins(): (Login & { database: string })[] {
    return [...this.logins.values()].map(({ username, password, database }) => ({ username, password, database }));
  }

  /** Replaces the cache with what the server answered; true when the world has something new. */
  observe(up: boolean, databases?: Map<string, ObservedDatabase>, logins?: Map<string, string | null>): boolean {
    const before = this.snapshot();
    this.serverUp = up;
    if (databases) this.databases = databases;
    for (const [k, error] of logins ?? []) {
      const known = this.logins.get(k);
      if (known) known.error = error;
    }
    const changed = this.snapshot() !== before;
    if (changed) this.world.touch();
    return changed;
  }

  private snapshot(): string {
    return JSON.stringify([this.serverUp, [...this.databases], [...this.logins.values()].map((l) => [l.username, l.database, l.error ?? null])]);
  }

  private seeded(name: string): ObservedDatabase {
    const d = this.world.topology.postgres.databases.find((x) => x.name === name);
    return { owner: d?.owner ?? 'postgres', mainTable: true, rows: d?.rows ?? null, dataToken: d?.dataToken ?? null };
  }
}

export const loginKey = (username: string, database: string) => `${username}@${database}`;
const key = loginKey;
