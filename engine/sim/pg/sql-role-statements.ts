import type { PgRole, PgRoleAttributes } from '../world/postgres-roles.ts';
import { PgError, SQLSTATE } from './pg-error.ts';
import { evaluate, parameterTypes, type TokenCursor, type ValueExpr } from './sql-cursor.ts';
import { command, selected, type Builder, type SqlContext } from './sql-plan.ts';

// Role statements with PostgreSQL 16's privilege rules (CREATEROLE no longer implies ADMIN on every
// role; lab-sim does not track who created a role, so a CREATEROLE role may manage any non-superuser).

/** pg_roles as PostgreSQL 15's initdb numbers the view (observed); rolname is its first column. */
const PG_ROLES_OID = 12000;

export function permissionDenied(message: string, detail?: string): PgError {
  return new PgError(SQLSTATE.insufficientPrivilege, message, { detail });
}

export function roleMustExist(ctx: SqlContext, name: string): PgRole {
  const role = ctx.postgres.roles.get(name);
  if (!role) throw new PgError(SQLSTATE.undefinedObject, `role "${name}" does not exist`);
  return role;
}

const FLAGS = { superuser: true, createdb: true, createrole: true, login: true } as const;
// Accepted and not modelled: nothing in the lab depends on them.
const IGNORED_FLAGS = ['inherit', 'replication', 'bypassrls'];

/** `LOGIN` or `NOLOGIN` and the like. */
function acceptFlag(c: TokenCursor): { name: string; on: boolean } | undefined {
  for (const name of [...Object.keys(FLAGS), ...IGNORED_FLAGS]) {
    if (c.accept(name)) return { name, on: true };
    if (c.accept(`no${name}`)) return { name, on: false };
  }
  return undefined;
}

/** `[WITH] option …` of CREATE/ALTER ROLE; undefined when an option is outside the subset. */
function roleOptions(c: TokenCursor): PgRoleAttributes | undefined {
  c.accept('with');
  const options: PgRoleAttributes = {};
  const seen = new Set<string>();
  const once = (key: string) => {
    if (seen.has(key)) throw new PgError(SQLSTATE.syntaxError, 'conflicting or redundant options');
    seen.add(key);
  };
  while (!c.done()) {
    const flag = acceptFlag(c);
    if (flag) {
      once(flag.name);
      if (flag.name in FLAGS) options[flag.name as keyof typeof FLAGS] = flag.on;
    } else if (c.accept('encrypted password') || c.accept('password')) {
      once('password');
      if (c.accept('null')) options.password = null;
      else if ((options.password = c.acceptString()) === undefined) return undefined;
    } else if (c.accept('valid until')) {
      once('validUntil');
      const text = c.acceptString();
      if (text === undefined) return undefined;
      options.validUntil = timestamp(text);
    } else if (c.accept('connection limit')) {
      once('connectionLimit');
      c.accept('-');
      if (c.acceptValue()?.literal === undefined) return undefined;
    } else return undefined;
  }
  return options;
}

/** A timestamptz literal as VALID UNTIL takes it; the session's TimeZone is UTC. */
function timestamp(text: string): number {
  if (/^\s*infinity\s*$/i.test(text)) return Infinity;
  const m = /^\s*(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?\s*$/i.exec(text);
  const zone = m?.[3] === undefined || /^(z|utc)$/i.test(m[3]) ? 'Z' : (m[3] as string).replace(/^([+-]\d{2})(\d{2})$/, '$1:$2').replace(/^([+-]\d{2})$/, '$1:00');
  const [hours = '0', minutes = '00', seconds = '00'] = (m?.[2] ?? '').split(':');
  const at = m ? Date.parse(`${m[1]}T${hours.padStart(2, '0')}:${minutes}:${seconds.padStart(2, '0')}${zone}`) : NaN;
  if (Number.isNaN(at)) throw new PgError(SQLSTATE.invalidDatetimeFormat, `invalid input syntax for type timestamp with time zone: "${text}"`);
  return at;
}

/** `CREATE ROLE|USER name [[WITH] option …]`; USER defaults to LOGIN. */
export const createRole: Builder = (c) => {
  const user = c.accept('create user');
  if (!user && !c.accept('create role')) return undefined;
  const name = c.acceptName();
  const options = name && name.schema === undefined ? roleOptions(c) : undefined;
  if (!name || !options) return undefined;
  return command('CREATE ROLE', (ctx) => {
    const me = roleMustExist(ctx, ctx.user);
    if (!me.superuser) {
      const only = (attribute: string, what: string) => permissionDenied('permission denied to create role', `Only roles with the ${attribute} attribute may create roles${what}.`);
      if (!me.createrole) throw only('CREATEROLE', '');
      if (options.superuser) throw only('SUPERUSER', ' with the SUPERUSER attribute');
      if (options.createdb && !me.createdb) throw only('CREATEDB', ' with the CREATEDB attribute');
    }
    if (name.name.startsWith('pg_')) throw new PgError(SQLSTATE.reservedName, `role name "${name.name}" is reserved`, { detail: 'Role names starting with "pg_" are reserved.' });
    if (ctx.postgres.roles.get(name.name)) throw new PgError(SQLSTATE.duplicateObject, `role "${name.name}" already exists`);
    ctx.postgres.roles.create(name.name, { login: user, ...options });
    ctx.changed();
  });
};

/** `ALTER ROLE|USER name [WITH] option …` (no RENAME, no SET). */
export const alterRole: Builder = (c) => {
  if (!c.accept('alter role') && !c.accept('alter user')) return undefined;
  const name = c.acceptName();
  const options = name && name.schema === undefined ? roleOptions(c) : undefined;
  if (!name || !options) return undefined;
  return command('ALTER ROLE', (ctx) => {
    const me = roleMustExist(ctx, ctx.user);
    const target = roleMustExist(ctx, name.name);
    if (!me.superuser) {
      if (target.superuser || options.superuser !== undefined) {
        throw permissionDenied('permission denied to alter role', 'Only roles with the SUPERUSER attribute may alter roles with the SUPERUSER attribute.');
      }
      const ownPassword = target.name === me.name && Object.keys(options).every((k) => k === 'password');
      if (!me.createrole && !ownPassword) {
        throw permissionDenied('permission denied to alter role', `Only roles with the CREATEROLE attribute and the ADMIN option on role "${target.name}" may alter this role.`);
      }
    }
    ctx.postgres.roles.alter(target.name, options);
    ctx.changed();
  });
};

/** `DROP ROLE|USER [IF EXISTS] name [, …]`: all or nothing, as in one transaction. */
export const dropRole: Builder = (c) => {
  if (!c.accept('drop role') && !c.accept('drop user')) return undefined;
  const ifExists = c.accept('if exists');
  const names: string[] = [];
  do {
    const name = c.acceptName();
    if (!name || name.schema !== undefined) return undefined;
    names.push(name.name);
  } while (c.accept(','));
  return command('DROP ROLE', (ctx) => {
    const me = roleMustExist(ctx, ctx.user);
    if (!me.superuser && !me.createrole) {
      throw permissionDenied('permission denied to drop role', 'Only roles with the CREATEROLE attribute and the ADMIN option on the target roles may drop roles.');
    }
    const notices: string[] = [];
    const doomed: string[] = [];
    for (const name of names) {
      const role = ctx.postgres.roles.get(name);
      if (!role) {
        if (!ifExists) throw new PgError(SQLSTATE.undefinedObject, `role "${name}" does not exist`);
        notices.push(`role "${name}" does not exist, skipping`);
        continue;
      }
      if (name === me.name) throw new PgError(SQLSTATE.objectInUse, 'current user cannot be dropped');
      if (name === ctx.postgres.roles.bootstrapSuperuser) throw new PgError(SQLSTATE.objectInUse, `cannot drop role ${name} because it is required by the database system`);
      if (role.superuser && !me.superuser) {
        throw permissionDenied('permission denied to drop role', 'Only roles with the SUPERUSER attribute may drop roles with the SUPERUSER attribute.');
      }
      const owned = ctx.postgres.ownedBy(name);
      if (owned.length) {
        throw new PgError(SQLSTATE.dependentObjectsStillExist, `role "${name}" cannot be dropped because some objects depend on it`, { detail: owned.map((d) => `owner of database ${d}`).join('\n') });
      }
      doomed.push(name);
    }
    for (const name of doomed) ctx.postgres.roles.drop(name);
    ctx.changed();
    return notices;
  });
};

/** `SELECT rolname FROM [pg_catalog.]pg_roles [WHERE rolname = v [AND …]] [ORDER BY rolname [ASC|DESC]]` */
export const selectRoles: Builder = (c) => {
  if (!c.accept('select rolname from')) return undefined;
  c.accept('pg_catalog .');
  if (!c.accept('pg_roles')) return undefined;
  const equals: ValueExpr[] = [];
  if (c.accept('where')) {
    do {
      const value = c.accept('rolname =') ? c.acceptValue() : undefined;
      if (!value) return undefined;
      equals.push(value);
    } while (c.accept('and'));
  }
  let order = 0;
  if (c.accept('order by rolname')) {
    order = c.accept('desc') ? -1 : 1;
    if (order === 1) c.accept('asc');
  }
  return {
    columns: [{ name: 'rolname', type: 'name', tableOid: PG_ROLES_OID, attnum: 1 }],
    params: parameterTypes(equals),
    run(ctx, params) {
      const wanted = equals.map((v) => evaluate(v, params));
      const names = ctx.postgres.roles.names().filter((n) => wanted.every((w) => w === n));
      if (order) names.sort((a, b) => order * (a < b ? -1 : a > b ? 1 : 0));
      return selected(names.map((n) => [n]));
    },
  };
};
