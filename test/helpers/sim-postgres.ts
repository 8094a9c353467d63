import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import type { LabSim } from '../../engine/sim/index.ts';

const execFileAsync = promisify(execFile);

/** The superuser's password, from the 0600 state file lab-sim wrote. */
export const superuserPassword = (sim: LabSim) => readFileSync(sim.files.postgresPassword, 'utf8').trim();

/** A pg client on the sim's PostgreSQL, connected; as `postgres` unless told otherwise. */
export async function pgClient(sim: LabSim, database = 'postgres', login?: { user: string; password: string }): Promise<pg.Client> {
  const client = new pg.Client({ host: sim.postgres.host, port: sim.postgres.port, user: login?.user ?? 'postgres', password: login?.password ?? superuserPassword(sim), database, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Rows of one statement in a session of its own. */
export async function sql<T extends Record<string, unknown> = Record<string, unknown>>(sim: LabSim, database: string, text: string, params?: unknown[]): Promise<T[]> {
  const client = await pgClient(sim, database);
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Debian's psql against the sim (asynchronous: the sim's port is served by this very process).
 * The password reaches the child through PGPASSWORD only.
 */
export async function psql(sim: LabSim, database: string, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return execFileAsync('/usr/bin/psql', ['-h', sim.postgres.host, '-p', String(sim.postgres.port), '-U', 'postgres', '-d', database, '-X', ...args], { env: { PATH: process.env.PATH ?? '', PGPASSWORD: superuserPassword(sim), PGCONNECT_TIMEOUT: '5' }, timeout: 20_000 });
}

/** Row count and an md5 over every row in id order: equal before and after means the same rows. */
export async function tableDigest(sim: LabSim, database: string, table: string): Promise<{ rows: number; md5: string }> {
  const [r] = await sql<{ rows: string; md5: string }>(sim, database, `SELECT count(*) AS rows, md5(string_agg(t::text, ',' ORDER BY t.id)) AS md5 FROM ${table} t`);
  return { rows: Number(r?.rows), md5: String(r?.md5) };
}
