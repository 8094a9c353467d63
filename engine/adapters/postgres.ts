import pg from 'pg';
import { within } from '../common/within.ts';
import { guardedPgStream, type SocketPolicy } from './socket-policy.ts';

export interface PostgresEndpoint {
  host: string;
  port: number;
  user: string;
  database: string;
  /** Read at connect time, so a rotated password file is picked up and the secret is held briefly. */
  password: () => string | undefined;
}

export interface PostgresAdapter {
  readonly endpoint: Omit<PostgresEndpoint, 'password'>;
  /** Runs one statement on a short-lived connection; the password never leaves this module. */
  query<T extends Record<string, unknown>>(sql: string, params?: unknown[], opts?: { database?: string; timeoutMs?: number }): Promise<T[]>;
  /** Like query, for statements that change something: re-checks the target first. */
  mutate(sql: string, opts?: { database?: string; timeoutMs?: number }): Promise<void>;
  /** One query on a fresh connection as another role (the canary's own login), same server. */
  queryAs<T extends Record<string, unknown>>(login: { user: string; password: string; database: string }, sql: string, opts?: { timeoutMs?: number }): Promise<T[]>;
  /** Closes the shared connection. */
  close(): Promise<void>;
}

/** How long the shared connection's login may take, whoever is waiting for it. */
const SHARED_LOGIN_MS = 15_000;

export function createPostgresAdapter(ep: PostgresEndpoint, recheck: () => void, policy: SocketPolicy): PostgresAdapter {
  const stream = guardedPgStream(policy);
  const connect = async (database: string, timeout: number, login = { user: ep.user, password: ep.password() ?? '' }) => {
    const client = new pg.Client({ host: ep.host, port: ep.port, ...login, database, connectionTimeoutMillis: timeout, query_timeout: timeout, ssl: false, stream });
    await client.connect();
    return client;
  };
  // Reads on the default database share one connection (a login per poll costs more than the
  // query); it is dropped on any error and re-opened, re-reading the password, next time. Its
  // login is not bound by the first reader's timeout: on a loaded server a login can outlast a
  // 1.5 s health poll, and each poll would then abandon it and start another, never connecting.
  let shared: Promise<pg.Client> | undefined;
  const sharedClient = (): Promise<pg.Client> => {
    if (shared) return shared;
    const attempt: Promise<pg.Client> = connect(ep.database, SHARED_LOGIN_MS).then(
      (c) => {
        c.on('error', () => shared === attempt && (shared = undefined));
        return c;
      },
      (e: unknown) => {
        if (shared === attempt) shared = undefined;
        throw e;
      },
    );
    attempt.catch(() => {}); // a reader that gave up meanwhile is not there to hear it
    return (shared = attempt);
  };
  const onShared = async <T extends Record<string, unknown>>(sql: string, params: unknown[] | undefined, timeout: number) => {
    const mine = sharedClient();
    // The reader waits its own timeout; the login itself goes on for the next one.
    const client = await within(mine, timeout, `no connection within ${timeout} ms (still logging in)`);
    try {
      return (await client.query<T>({ text: sql, values: params, query_timeout: timeout } as pg.QueryConfig)).rows;
    } catch (e) {
      if (shared === mine) shared = undefined;
      void client.end().catch(() => {});
      throw e;
    }
  };
  const once = async <T extends Record<string, unknown>>(sql: string, params: unknown[] | undefined, database: string, timeout: number, login?: { user: string; password: string }) => {
    const client = await connect(database, timeout, login);
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end().catch(() => {});
    }
  };
  return {
    endpoint: { host: ep.host, port: ep.port, user: ep.user, database: ep.database },
    query: (sql, params, opts = {}) => {
      const timeout = opts.timeoutMs ?? 5000;
      return !opts.database || opts.database === ep.database ? onShared(sql, params, timeout) : once(sql, params, opts.database, timeout);
    },
    async mutate(sql, opts = {}) {
      recheck();
      await once(sql, undefined, opts.database ?? ep.database, opts.timeoutMs ?? 5000);
    },
    queryAs: (login, sql, opts = {}) => once(sql, undefined, login.database, opts.timeoutMs ?? 5000, login),
    async close() {
      const closing = shared;
      shared = undefined;
      await closing?.then((c) => c.end()).catch(() => {});
    },
  };
}
