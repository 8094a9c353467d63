import pg from 'pg';

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
}

export function createPostgresAdapter(ep: PostgresEndpoint, recheck: () => void): PostgresAdapter {
  const run = async <T extends Record<string, unknown>>(sql: string, params: unknown[] | undefined, opts: { database?: string; timeoutMs?: number } = {}) => {
    const timeout = opts.timeoutMs ?? 5000;
    const client = new pg.Client({ host: ep.host, port: ep.port, user: ep.user, password: ep.password() ?? '', database: opts.database ?? ep.database, connectionTimeoutMillis: timeout, query_timeout: timeout, ssl: false });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end().catch(() => {});
    }
  };
  return {
    endpoint: { host: ep.host, port: ep.port, user: ep.user, database: ep.database },
    query: (sql, params, opts) => run(sql, params, opts),
    async mutate(sql, opts) {
      recheck();
      await run(sql, undefined, opts);
    },
  };
}
