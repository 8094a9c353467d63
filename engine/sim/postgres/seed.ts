import type { PostgresSpec } from '../topology/topology-types.ts';
import { ident, literal } from './sql-text.ts';

type Database = PostgresSpec['databases'][number];

/** The backup of `db` in the cached template, before the sim names it after its time. */
export const templateBackupName = (db: string) => `${db}_backup`;

/** A backup's name once taken: `<db>_backup_<UTC yyyymmddThhmm>`, e.g. `erp_backup_20261201t0300`. */
export function backupName(db: string, takenAt: number): string {
  return `${db}_backup_${new Date(takenAt).toISOString().slice(0, 16).replace(/[-:]/g, '').toLowerCase()}`;
}

/** Columns of every database's main table: its rows are what drills count and checksum. */
export const MAIN_TABLE_COLUMNS = 'id integer PRIMARY KEY, value integer NOT NULL';

/**
 * The lab's databases as `manifests/lab.yaml` lists them: each owned by its role (no password:
 * the owners' passwords live with their applications), with `lab_meta(data_token)` — the one row
 * that proves which copy a drill is looking at — and its main table of `rows` rows. Then one
 * backup each, a template database copied from it (no pg_dump ships with the server binaries):
 * IS_TEMPLATE so only CREATE DATABASE … TEMPLATE reads it, ALLOW_CONNECTIONS false so nothing
 * writes to it.
 */
export function seedStatements(spec: PostgresSpec): { cluster: string[]; perDatabase: [string, string[]][]; backups: string[] } {
  const owners = [...new Set(spec.databases.map((d) => d.owner))];
  return {
    cluster: [...owners.map((o) => `CREATE ROLE ${ident(o)} LOGIN`), ...spec.databases.map((d) => `CREATE DATABASE ${ident(d.name)} OWNER ${ident(d.owner)}`)],
    perDatabase: spec.databases.map((d) => [d.name, databaseContent(d)]),
    backups: spec.databases.map((d) => `CREATE DATABASE ${ident(templateBackupName(d.name))} TEMPLATE ${ident(d.name)} STRATEGY FILE_COPY IS_TEMPLATE true ALLOW_CONNECTIONS false`),
  };
}

function databaseContent(d: Database): string[] {
  return [
    // The owner creates its own tables, as the application's migrations would.
    `SET ROLE ${ident(d.owner)}`,
    'BEGIN',
    'CREATE TABLE lab_meta (data_token text NOT NULL)',
    `INSERT INTO lab_meta VALUES (${literal(d.dataToken)})`,
    `CREATE TABLE ${ident(d.table)} (${MAIN_TABLE_COLUMNS})`,
    `INSERT INTO ${ident(d.table)} SELECT i, (i * 7919) % 100003 FROM generate_series(1, ${d.rows}) AS i`,
    'COMMIT',
    'RESET ROLE',
    // Frozen, all-visible, analysed: each sim's first count(*) is an index-only scan that
    // writes nothing back (no hint bits to set on 184,000 fresh rows).
    'VACUUM (FREEZE, ANALYZE)',
  ];
}
