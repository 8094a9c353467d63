import pg from 'pg';
import type { World } from '../world/world.ts';
import { loginKey, type Login, type ObservedDatabase, type PgAdmin, type PgSql, type Postgres } from '../world/postgres.ts';
import { inDatabase } from './admin-session.ts';
import type { PostgresServer } from './postgres-server.ts';
import { ident } from './sql-text.ts';

const MAX_PASSES = 20;
const LOGIN_TIMEOUT_MS = 5000;

/**
 * One round trip on lab-sim's own session says what may have changed: each lab database's oid
 * (a drop and a restore change it), owner and write counters (pg_stat_database, flushed by a
 * session when it ends and at least every few seconds while it is idle), each known login's
 * role row, and when the server last loaded pg_hba.conf.
 */
const FINGERPRINTS = `SELECT 'db' AS kind, d.datname AS name, concat_ws(':', d.oid, r.rolname, s.tup_inserted + s.tup_updated + s.tup_deleted) AS print, r.rolname AS owner
  FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba LEFT JOIN pg_stat_database s ON s.datid = d.oid WHERE d.datname = ANY($1)
UNION ALL SELECT 'role', rolname, concat_ws(':', oid, rolcanlogin, rolvaliduntil, md5(coalesce(rolpassword, ''))), NULL FROM pg_authid WHERE rolname = ANY($2)
UNION ALL SELECT 'conf', '', pg_conf_load_time()::text, NULL`;

interface Print {
  kind: 'db' | 'role' | 'conf';
  name: string;
  print: string;
  owner: string | null;
}

/**
 * The bridge between the synchronous world and the real server. The sim runs it after every
 * advance, fault and API write (and the manual clock after every timer it fires, with sim time
 * standing still meanwhile), so what the world reads is always what the server said at that
 * instant, and runs replay identically:
 * 1. the server's process follows the world: pi2 powered and booted → running, otherwise cut;
 * 2. the tasks the world queued run in order (their callers get the results);
 * 3. the cache is brought up to date — databases (owner, main table, rows, data token) and real
 *    logins with the injected credentials, each read again only when its fingerprint moved —
 *    and when it differs the world settles again, until nothing moves.
 */
export class PostgresSync {
  private queue: Promise<void> = Promise.resolve();
  private scheduled = false;
  private refreshWanted = true;
  /** What each database and login was last read at (see FINGERPRINTS); cleared by a restart. */
  private readonly readAt = new Map<string, string>();
  private readonly databases = new Map<string, ObservedDatabase>();
  private readonly logins = new Map<string, string | null>();
  /**
   * The data directory is a fresh copy of the template, whose databases are the seed by
   * construction: the first sync takes them as read (a session per database, ~100 ms of start-up).
   */
  private seedCopy = true;

  constructor(
    private readonly world: World,
    private readonly model: Postgres,
    private readonly server: PostgresServer,
  ) {
    model.onWork = () => this.soon();
  }

  /**
   * One sync, after any running one. `refresh` checks the server even when nothing was queued
   * (a client may have changed it); without it, a step that finds no work sends no SQL at all.
   */
  sync(refresh = true): Promise<void> {
    if (refresh) this.refreshWanted = true;
    const run = this.queue.then(() => this.passes());
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Work queued by an API request is picked up on the next turn of the event loop. */
  private soon(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      // A failure here is a failing server; the next awaited sync meets it and reports it.
      this.sync(false).catch(() => undefined);
    });
  }

  private async passes(): Promise<void> {
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const changed = await this.step();
      if (changed) this.world.settle();
      if (!changed && !this.model.hasTasks() && this.model.shouldRun() === this.server.running) return;
    }
    throw new Error(`lab-sim's PostgreSQL sync did not settle after ${MAX_PASSES} passes`);
  }

  private async step(): Promise<boolean> {
    if (!this.model.shouldRun()) {
      if (this.server.running) await this.server.powerLoss();
      for (const task of this.model.takeTasks()) task.reject(new Error(`dial tcp ${this.model.address}: connect: connection refused`));
      return this.model.observe(false);
    }
    if (!this.server.running) {
      await this.server.start();
      this.readAt.clear();
      this.refreshWanted = true;
    }
    const tasks = this.model.takeTasks();
    const admin = this.admin();
    for (const task of tasks) {
      try {
        task.resolve(await task.run(admin));
      } catch (err) {
        task.reject(err);
      }
    }
    if (!tasks.length && !this.refreshWanted) return false;
    this.refreshWanted = false;
    // Whoever queued the tasks changed the world already; the settle lets it see their results.
    return (await this.refresh()) || tasks.length > 0;
  }

  private admin(): PgAdmin {
    const wrap = (client: pg.Client): PgSql => ({ query: async (text, params) => (await client.query(text, params)).rows });
    return {
      session: async (database, fn) => (database === 'postgres' ? fn(wrap(await this.server.session())) : inDatabase(this.server.endpoint, database, (c) => fn(wrap(c)))),
    };
  }

  /** Reads again what moved, concurrently (each database read and each login is a session of its own). */
  private async refresh(): Promise<boolean> {
    const spec = this.world.topology.postgres.databases;
    const known = this.model.knownLogins();
    const prints = await this.fingerprints(spec.map((d) => d.name), [...new Set(known.map((l) => l.username))]);
    const conf = prints.find((p) => p.kind === 'conf')?.print ?? '';
    const dbPrint = new Map(prints.filter((p) => p.kind === 'db').map((p) => [p.name, p]));
    const rolePrint = new Map(prints.filter((p) => p.kind === 'role').map((p) => [p.name, p.print]));

    for (const name of [...this.databases.keys()]) if (!dbPrint.has(name)) this.databases.delete(name);
    const reads = spec.flatMap((d) => {
      const p = dbPrint.get(d.name);
      if (!p || this.readAt.get(`db:${d.name}`) === p.print) return [];
      this.readAt.set(`db:${d.name}`, p.print);
      if (this.seedCopy) {
        this.databases.set(d.name, { owner: d.owner, mainTable: true, rows: d.rows, dataToken: d.dataToken });
        return [];
      }
      return [this.readDatabase(d, p.owner ?? '').then((seen) => (seen ? this.databases.set(d.name, seen) : this.databases.delete(d.name)))];
    });
    this.seedCopy = false;

    const wanted = new Set(known.map((l) => loginKey(l.username, l.database)));
    for (const k of [...this.logins.keys()]) if (!wanted.has(k)) this.logins.delete(k);
    const tries = known.flatMap((l) => {
      const k = loginKey(l.username, l.database);
      // A login is tried again when its role, its database, the access rules or its password change.
      const print = [rolePrint.get(l.username) ?? 'no role', dbPrint.get(l.database)?.print ?? 'no database', conf, l.password].join('|');
      if (this.readAt.get(`login:${k}`) === print) return [];
      this.readAt.set(`login:${k}`, print);
      return [
        this.tryLogin(l, l.database).then((answer) => {
          if (answer === undefined) this.readAt.delete(`login:${k}`); // no answer (a timeout): try again next time
          else this.logins.set(k, answer);
        }),
      ];
    });
    await Promise.all([...reads, ...tries]);
    return this.model.observe(true, new Map(this.databases), new Map(this.logins));
  }

  private async fingerprints(databases: string[], roles: string[]): Promise<Print[]> {
    try {
      const session = await this.server.session();
      return (await session.query<Print>(FINGERPRINTS, [databases, roles])).rows;
    } catch (err) {
      await this.server.closeSession();
      throw err;
    }
  }

  private async readDatabase(d: { name: string; table: string }, owner: string): Promise<ObservedDatabase | undefined> {
    return inDatabase(this.server.endpoint, d.name, async (c) => {
      const [found] = (await c.query<{ main: boolean; meta: boolean }>('SELECT to_regclass($1) IS NOT NULL AS main, to_regclass($2) IS NOT NULL AS meta', [`public.${ident(d.table)}`, 'public.lab_meta'])).rows;
      const rows = found?.main ? Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM public.${ident(d.table)}`)).rows[0]?.n) : null;
      const dataToken = found?.meta ? ((await c.query<{ data_token: string }>('SELECT data_token FROM public.lab_meta LIMIT 1')).rows[0]?.data_token ?? null) : null;
      return { owner, mainTable: !!found?.main, rows, dataToken };
    }).catch(() => undefined); // dropped between the two reads: gone
  }

  /** A real login through pi2's port, as the workload makes it: null when it gets in, the server's refusal, or undefined without an answer. */
  private async tryLogin(login: Login, database: string): Promise<string | null | undefined> {
    const client = new pg.Client({ host: this.server.host, port: this.server.port, user: login.username, password: login.password, database, connectionTimeoutMillis: LOGIN_TIMEOUT_MS });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return null;
    } catch (err) {
      const e = err as Error & { code?: string };
      return e.code && /^[0-9A-Z]{5}$/.test(e.code) ? e.message : undefined;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
