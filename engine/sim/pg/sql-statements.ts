import type { Postgres } from '../world/postgres.ts';
import { PgError, SQLSTATE, unsupported } from './pg-error.ts';
import { evaluate, parameterTypes, TokenCursor, type ValueExpr } from './sql-cursor.ts';
import { command, selected, type Builder, type Plan, type SqlContext } from './sql-plan.ts';
import { alterRole, createRole, dropRole, permissionDenied, roleMustExist, selectRoles } from './sql-role-statements.ts';
import type { Statement } from './sql-tokens.ts';
import type { PgTypeName } from './wire-protocol.ts';

/** Always there, outside the lab's model: the maintenance database and the two templates. */
const SYSTEM_DATABASES = [
  { name: 'postgres', template: false },
  { name: 'template1', template: true },
  { name: 'template0', template: true },
];
const PG_DATABASE_OID = 1262;

export function databaseExists(postgres: Postgres, name: string): boolean {
  return SYSTEM_DATABASES.some((d) => d.name === name) || postgres.database(name) !== undefined;
}

/** The SQL subset lab-sim understands (see engine/sim/README.md#postgresql); anything else is 42601. */
export function planStatement(statement: Statement): Plan {
  for (const build of [selectValue, selectFunction, selectDatabases, selectRoles, selectCount, selectDataToken, show, createDatabase, dropDatabase, createRole, alterRole, dropRole]) {
    const cursor = new TokenCursor(statement.tokens);
    const plan = build(cursor);
    if (plan && cursor.done()) return plan;
  }
  throw unsupported(statement.text);
}

function alias(c: TokenCursor): string | undefined {
  // Only `AS alias`: a bare alias would make every unsupported trailing word look like one.
  return c.accept('as') ? c.acceptName()?.name : undefined;
}

const selectValue: Builder = (c) => {
  const value = c.accept('select') ? c.acceptValue() : undefined;
  if (!value) return undefined;
  const name = alias(c) ?? value.cast ?? '?column?';
  return { columns: [{ name, type: value.type }], params: parameterTypes([value]), run: (_ctx, params) => selected([[evaluate(value, params)]]) };
};

const FUNCTIONS: Record<string, { type: PgTypeName; call: (ctx: SqlContext) => string }> = {
  'version ( )': { type: 'text', call: (ctx) => ctx.versionText },
  'current_database ( )': { type: 'name', call: (ctx) => ctx.database },
  current_user: { type: 'name', call: (ctx) => ctx.user },
};

const selectFunction: Builder = (c) => {
  if (!c.accept('select')) return undefined;
  const call = Object.keys(FUNCTIONS).find((f) => c.accept(f));
  if (!call) return undefined;
  const fn = FUNCTIONS[call] as (typeof FUNCTIONS)[string];
  const name = alias(c) ?? (call.split(' ')[0] as string);
  return { columns: [{ name, type: fn.type }], params: [], run: (ctx) => selected([[fn.call(ctx)]]) };
};

/** `SELECT datname FROM pg_database [WHERE NOT datistemplate | datname = v [AND …]] [ORDER BY datname [ASC|DESC]]` */
const selectDatabases: Builder = (c) => {
  if (!c.accept('select datname from')) return undefined;
  c.accept('pg_catalog .');
  if (!c.accept('pg_database')) return undefined;
  let skipTemplates = false;
  const equals: ValueExpr[] = [];
  if (c.accept('where')) {
    do {
      if (c.accept('not datistemplate') || c.accept('datistemplate = false')) skipTemplates = true;
      else if (c.accept('datname =')) {
        const value = c.acceptValue();
        if (!value) return undefined;
        equals.push(value);
      } else return undefined;
    } while (c.accept('and'));
  }
  let order = 0;
  if (c.accept('order by datname')) {
    order = c.accept('desc') ? -1 : 1;
    if (order === 1) c.accept('asc');
  }
  return {
    columns: [{ name: 'datname', type: 'name', tableOid: PG_DATABASE_OID, attnum: 2 }],
    params: parameterTypes(equals),
    run(ctx, params) {
      const wanted = equals.map((v) => evaluate(v, params));
      // Unordered, PostgreSQL returns catalog order: the system databases first, then by creation.
      let names = [...SYSTEM_DATABASES.filter((d) => !(skipTemplates && d.template)).map((d) => d.name), ...ctx.postgres.databaseNames()];
      names = names.filter((n) => wanted.every((w) => w === n));
      if (order) names.sort((a, b) => order * (a < b ? -1 : a > b ? 1 : 0));
      return selected(names.map((n) => [n]));
    },
  };
};

type TableRef = { schema?: string; name: string };

/**
 * The current database's tables in `public`: its main table and the one-row `lab_meta`; a
 * database created empty (or a system one) has none. Returns the table's row count.
 */
function tableRows(ctx: SqlContext, ref: TableRef): number {
  const db = ctx.postgres.database(ctx.database);
  if (db && db.table !== null && (ref.schema ?? 'public') === 'public') {
    if (ref.name === db.table) return db.rows;
    if (ref.name === 'lab_meta') return 1;
  }
  throw new PgError(SQLSTATE.undefinedTable, `relation "${ref.schema ? `${ref.schema}.` : ''}${ref.name}" does not exist`);
}

const selectCount: Builder = (c) => {
  if (!c.accept('select count ( * )')) return undefined;
  const name = alias(c) ?? 'count';
  const ref = c.accept('from') ? c.acceptName() : undefined;
  if (!ref) return undefined;
  return { columns: [{ name, type: 'int8' }], params: [], run: (ctx) => selected([[String(tableRows(ctx, ref))]]) };
};

const selectDataToken: Builder = (c) => {
  if (!c.accept('select data_token from')) return undefined;
  const ref = c.acceptName();
  if (ref?.name !== 'lab_meta') return undefined;
  return {
    columns: [{ name: 'data_token', type: 'text' }],
    params: [],
    run(ctx) {
      tableRows(ctx, ref);
      return selected([[ctx.postgres.database(ctx.database)?.dataToken ?? null]]);
    },
  };
};

const show: Builder = (c) => {
  const name = c.accept('show') ? c.acceptName()?.name : undefined;
  if (name === undefined) return undefined;
  return {
    columns: [{ name, type: 'text' }],
    params: [],
    run(ctx) {
      const value = ctx.setting(name);
      if (value === undefined) throw new PgError(SQLSTATE.undefinedObject, `unrecognized configuration parameter "${name}"`);
      return { rows: [[value]], tag: 'SHOW' };
    },
  };
};

/** `CREATE DATABASE name [[WITH] OWNER [=] role]`: superusers and CREATEDB roles, owner recorded. */
const createDatabase: Builder = (c) => {
  const name = c.accept('create database') ? c.acceptName() : undefined;
  if (!name || name.schema !== undefined) return undefined;
  const ownerGiven = c.accept('with owner') || c.accept('owner');
  if (ownerGiven) c.accept('=');
  const owner = ownerGiven ? c.acceptName() : undefined;
  if (ownerGiven && (!owner || owner.schema !== undefined)) return undefined;
  return command('CREATE DATABASE', (ctx) => {
    const creator = roleMustExist(ctx, ctx.user);
    const ownerName = owner?.name ?? ctx.user;
    roleMustExist(ctx, ownerName);
    if (!creator.superuser && !creator.createdb) throw permissionDenied('permission denied to create database');
    if (!creator.superuser && ownerName !== ctx.user) throw permissionDenied(`must be able to SET ROLE "${ownerName}"`);
    if (databaseExists(ctx.postgres, name.name)) throw new PgError(SQLSTATE.duplicateDatabase, `database "${name.name}" already exists`);
    ctx.postgres.create(name.name, ownerName);
    ctx.changed();
  });
};

/** `DROP DATABASE [IF EXISTS] name [[WITH] (FORCE)]`, with PostgreSQL's guard rails. */
const dropDatabase: Builder = (c) => {
  if (!c.accept('drop database')) return undefined;
  const ifExists = c.accept('if exists');
  const name = c.acceptName();
  if (!name || name.schema !== undefined) return undefined;
  const force = c.accept('with ( force )') || c.accept('( force )');
  return command('DROP DATABASE', (ctx) => {
    const db = name.name;
    const system = SYSTEM_DATABASES.find((d) => d.name === db);
    if (!databaseExists(ctx.postgres, db)) {
      if (ifExists) return [`database "${db}" does not exist, skipping`];
      throw new PgError(SQLSTATE.invalidCatalogName, `database "${db}" does not exist`);
    }
    if (db === ctx.database) throw new PgError(SQLSTATE.objectInUse, 'cannot drop the currently open database');
    if (system?.template) throw new PgError(SQLSTATE.wrongObjectType, 'cannot drop a template database');
    if (system) throw unsupported(`DROP DATABASE ${db} (lab-sim keeps its maintenance database)`);
    const others = ctx.otherSessions(db);
    if (others && !force) {
      const detail = others === 1 ? 'There is 1 other session using the database.' : `There are ${others} other sessions using the database.`;
      throw new PgError(SQLSTATE.objectInUse, `database "${db}" is being accessed by other users`, { detail });
    }
    if (others) ctx.terminateSessions(db);
    ctx.postgres.drop(db);
    ctx.changed();
    return [];
  });
};
