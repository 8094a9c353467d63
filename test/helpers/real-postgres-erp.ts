import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { LabSim } from '../../engine/sim/index.ts';
import type { TestPostgres } from './postgres.ts';
import { engineOn, type EngineHarness } from './runbook-run.ts';

const execFileAsync = promisify(execFile);

/** Statements on the real server as its superuser: the test's own client, not the guarded adapter. */
export function superuserSql(db: TestPostgres) {
  return async <T extends Record<string, unknown>>(database: string, text: string): Promise<T[]> => {
    const client = new pg.Client({ host: db.host, port: db.port, user: db.user, password: db.password, database });
    await client.connect();
    try {
      return (await client.query<T>(text)).rows;
    } finally {
      await client.end();
    }
  };
}

/**
 * The ERP's database as lab-sim models it (`lab_meta` with its data token, `erp_orders` with
 * `orders` rows) and the sandbox backup of it made by the real `pg_dump -Fc` into `backups`.
 */
export async function seedErpWithBackup(db: TestPostgres, backups: string, o: { token: string; orders: number }): Promise<string> {
  const sql = superuserSql(db);
  await sql('postgres', 'CREATE DATABASE erp');
  await sql('erp', `CREATE TABLE lab_meta(data_token text); INSERT INTO lab_meta VALUES ('${o.token}')`);
  await sql('erp', `CREATE TABLE erp_orders(id int PRIMARY KEY, total numeric); INSERT INTO erp_orders SELECT i, round((i * 7.31) % 997, 2) FROM generate_series(1, ${o.orders}) i`);
  // The password reaches the pg_dump child only.
  const dump = path.join(backups, `erp-${new Date().toISOString().replace(/[:.]/g, '-')}.dump`);
  const pgDump = fs.existsSync(path.join(db.binDir, 'pg_dump')) ? path.join(db.binDir, 'pg_dump') : 'pg_dump';
  await execFileAsync(pgDump, ['-Fc', '-h', db.host, '-p', String(db.port), '-U', db.user, '-d', 'erp', '-f', dump], { env: { PATH: process.env.PATH ?? '', PGPASSWORD: db.password }, timeout: 30_000 });
  assert.ok(fs.statSync(dump).size > 0, 'pg_dump wrote the dump');
  return dump;
}

/**
 * The engine through the guard on lab-sim, except `sandbox.postgres`: the real server (password
 * in a 0600 file under `work`), the engine's built-in pg_restore (lab-sim's own restore tool
 * removed from `sandbox.recovery`) and `backups` as the backup bucket.
 */
export function engineOnRealPostgres(sim: LabSim, db: TestPostgres, work: string, backups: string): Promise<EngineHarness> {
  const passwordFile = path.join(work, 'pg-password');
  fs.writeFileSync(passwordFile, `${db.password}\n`, { mode: 0o600 });
  fs.chmodSync(passwordFile, 0o600);
  return engineOn(sim, (c) => {
    const recovery = { ...c.sandbox.recovery };
    delete recovery['postgres.restore'];
    return { ...c, sandbox: { ...c.sandbox, postgres: { host: db.host, port: db.port, user: db.user, database: 'postgres', passwordFile }, recovery, backups: { postgres: backups } } };
  });
}
