import type { GateCheck } from '../gate-result.ts';
import { check, errorText, type ChainContext } from './chain-context.ts';

/** A quoted identifier: the manifest's names are checked, quoting keeps `canary-x` valid SQL. */
export const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** Link 2: the app's database and role exist on the sandbox PostgreSQL and the role can log in to it. */
export async function postgresLink(ctx: ChainContext): Promise<GateCheck[]> {
  const pg = ctx.deps.postgres();
  const { database, role } = ctx.m.postgres;
  if (!pg) return [check(`postgres: database ${database}`, 'exists', 'no sandbox PostgreSQL configured (sandbox.postgres)', false)];
  const provision: [string, string][] = [
    [`postgres: create role ${role}`, `CREATE ROLE ${ident(role)} WITH LOGIN PASSWORD ${literal(ctx.password)}`],
    [`postgres: create database ${database}`, `CREATE DATABASE ${ident(database)} OWNER ${ident(role)}`],
  ];
  for (const [name, sql] of provision) {
    try {
      await pg.mutate(sql);
    } catch (e) {
      return [check(name, 'done', errorText(e), false)];
    }
  }
  const exists = async (name: string, sql: string, value: string): Promise<GateCheck> => {
    const rows = await pg.query<Record<string, string>>(sql, [value]).catch((e: Error) => e);
    if (rows instanceof Error) return check(name, 'exists', errorText(rows), false);
    return check(name, 'exists', rows.length ? 'exists' : 'missing', rows.length > 0);
  };
  const checks = [
    await exists(`postgres: database ${database}`, 'SELECT datname FROM pg_database WHERE datname = $1', database),
    await exists(`postgres: role ${role}`, 'SELECT rolname FROM pg_roles WHERE rolname = $1', role),
  ];
  const login = await pg.queryAs<{ current_user: string }>({ user: role, password: ctx.password, database }, 'SELECT current_user').catch((e: Error) => e);
  const loggedIn = !(login instanceof Error) && login[0]?.current_user === role;
  checks.push(check(`postgres: ${role} connects to ${database}`, `logged in as ${role}`, login instanceof Error ? errorText(login) : `logged in as ${login[0]?.current_user}`, loggedIn));
  return checks;
}
