import { ident } from '../postgres/sql-text.ts';
import type { PgSql, PgTask } from './postgres.ts';

// Vault 1.17's database secrets engine with its PostgreSQL plugin, as far as lab-sim's Vault
// runs it: statements rendered and executed as the plugin does (builtin/logical/database and
// plugins/database/postgresql in hashicorp/vault), against pi2's real PostgreSQL.

/** database/config/:name as Vault stores it (connection_details flattened). */
export interface DatabaseConnection {
  name: string;
  pluginName: string;
  pluginVersion: string;
  connectionUrl: string;
  username: string;
  allowedRoles: string[];
  verifyConnection: boolean;
  passwordPolicy: string;
  rootRotationStatements: string[];
}

/** The statements of a role, as database/roles/:name holds them. */
export interface RoleStatements {
  creation: string[];
  revocation: string[];
  renewal: string[];
}

/** Vault's check before anything is created: `"*"`, or a glob of allowed_roles matches the role. */
export function roleAllowed(connection: DatabaseConnection, role: string): boolean {
  return connection.allowedRoles.includes('*') || connection.allowedRoles.some((pattern) => globMatch(pattern, role));
}

/** go-glob's match (strutil.StrListContainsGlob): `*` stands for any run of characters. */
function globMatch(pattern: string, value: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === value;
  const first = parts[0] as string;
  const last = parts[parts.length - 1] as string;
  if (!value.startsWith(first) || value.length < first.length + last.length) return false;
  let at = first.length;
  for (const middle of parts.slice(1, -1)) {
    const found = value.indexOf(middle, at);
    if (found < 0) return false;
    at = found + middle.length;
  }
  return value.slice(at).endsWith(last);
}

/** The database the plugin's connection opens (connection_url's path; default revocation runs there). */
export function connectionDatabase(connection: DatabaseConnection): string {
  const path = /^[a-z]+:\/\/[^/]*\/([^?]+)/i.exec(connection.connectionUrl)?.[1];
  return path ? decodeURIComponent(path) : 'postgres';
}

/** The default username template: `v-<display name, 8>-<role, 8>-<random 20>-<unix time>`, ≤ 63 chars. */
export function username(displayName: string, role: string, random: string, nowMs: number): string {
  return `v-${displayName.slice(0, 8)}-${role.slice(0, 8)}-${random.slice(0, 20)}-${Math.floor(nowMs / 1000)}`.slice(0, 63);
}

/** `{{expiration}}`: Go's "2006-01-02 15:04:05-0700", in UTC as Vault's container runs. */
export function expiration(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}+0000`;
}

/**
 * Statements split on `;` (a statement with an END keyword is kept whole, as the plugin does
 * for function bodies), trimmed, empty ones dropped, `{{field}}` placeholders filled.
 */
export function render(statements: string[], values: Record<string, string>): string[] {
  return statements.flatMap((stmt) => (/\bEND\b/.test(stmt.replace(/"[^"]*"|'[^']*'/g, '')) ? [stmt] : stmt.split(';')))
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => s.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, field: string) => values[field] ?? whole));
}

/** Runs statements in one transaction on the connection's database, rolled back on the first error. */
export function inTransaction(database: string, statements: string[]): PgTask<void> {
  return (admin) =>
    admin.session(database, async (sql) => {
      await sql.query('BEGIN');
      try {
        for (const s of statements) await sql.query(s);
        await sql.query('COMMIT');
      } catch (err) {
        await sql.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
}

/**
 * The plugin's revocation with no revocation_statements: revoke what information_schema lists
 * for the role, plus public's tables, sequences and usage and CONNECT on the connection's
 * database, each on its own (failures do not stop the others), then DROP ROLE IF EXISTS. It
 * cannot drop a role that still holds privileges elsewhere (e.g. ALL on another database).
 */
export function defaultRevocation(database: string, name: string): PgTask<void> {
  return (admin) =>
    admin.session(database, async (sql: PgSql) => {
      if (!(await sql.query('SELECT exists (SELECT rolname FROM pg_roles WHERE rolname=$1) AS e', [name]))[0]?.e) return;
      const schemas = await sql.query<{ table_schema: string }>('SELECT DISTINCT table_schema FROM information_schema.role_column_grants WHERE grantee=$1', [name]);
      const role = ident(name);
      const revocations = [
        ...schemas.flatMap(({ table_schema: s }) => [`REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA ${ident(s)} FROM ${role}`, `REVOKE USAGE ON SCHEMA ${ident(s)} FROM ${role}`]),
        `REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA public FROM ${role}`,
        `REVOKE ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA public FROM ${role}`,
        `REVOKE USAGE ON SCHEMA public FROM ${role}`,
        `REVOKE CONNECT ON DATABASE ${ident(database)} FROM ${role}`,
      ];
      let last: unknown;
      for (const q of revocations) await sql.query(q).catch((err: unknown) => (last = err));
      if (last) throw new Error(`could not perform all revocation statements: ${pluginError(last)}`);
      await sql.query(`DROP ROLE IF EXISTS ${role}`);
    });
}

/** A server error as the plugin's driver (pgx) prints it. */
export function pluginError(err: unknown): string {
  const e = err as { message?: string; code?: string; severity?: string };
  return e.code ? `${e.severity ?? 'ERROR'}: ${e.message} (SQLSTATE ${e.code})` : String(e.message ?? err);
}
