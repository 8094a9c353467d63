import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import pg from 'pg';
import type { LabSim } from '../../engine/sim/index.ts';
import { scramVerifier } from '../../engine/sim/pg/scram.ts';
import { startTestSim } from '../helpers/lab-sim.ts';

const PSQL = '/usr/bin/psql';
type PgFailure = Error & { code?: string; severity?: string; detail?: string };

describe('lab-sim PostgreSQL roles: CREATE/ALTER/DROP ROLE, CREATE DATABASE … OWNER, pg_roles, logins', () => {
  let sim: LabSim;
  let admin: pg.Client & { notices: string[] };
  const open = new Set<pg.Client>();

  async function connect(user: string, password: string, database = 'postgres'): Promise<pg.Client & { notices: string[] }> {
    const client = Object.assign(new pg.Client({ host: sim.postgres.host, port: sim.postgres.port, user, password, database, connectionTimeoutMillis: 5000 }), { notices: [] as string[] });
    client.on('notice', (n) => client.notices.push(n.message ?? ''));
    client.on('error', () => {});
    await client.connect();
    open.add(client);
    return client;
  }
  const connectError = (user: string, password: string, database = 'postgres') => connect(user, password, database).then(() => assert.fail(`${user} connected`), (e: PgFailure) => e);
  const fails = (client: pg.Client, sql: string, code: string, message: string, detail?: string) =>
    assert.rejects(client.query(sql), (e: PgFailure) => {
      assert.deepEqual({ code: e.code, message: e.message, ...(detail ? { detail: e.detail } : {}) }, { code, message, ...(detail ? { detail } : {}) });
      return true;
    });
  const roles = async (name: string) => (await admin.query('SELECT rolname FROM pg_roles WHERE rolname = $1', [name])).rows.map((r) => r.rolname);

  before(async () => {
    sim = await startTestSim();
    admin = await connect('postgres', readFileSync(sim.files.postgresPassword, 'utf8').trim());
  });
  after(async () => {
    await Promise.all([...open].map((c) => c.end().catch(() => {})));
    await sim.stop();
  });

  it('CREATE ROLE / CREATE USER, then SCRAM-SHA-256 logins with the role\'s password', async () => {
    assert.equal((await admin.query("CREATE ROLE canary WITH LOGIN PASSWORD 'canary-pw'")).command, 'CREATE');
    await fails(admin, 'CREATE ROLE canary', '42710', 'role "canary" already exists');
    await admin.query("CREATE USER \"Mixed Case\" PASSWORD 'mixed-pw'");
    await admin.query("CREATE ROLE nologin PASSWORD 'nl-pw'");
    await admin.query('CREATE ROLE nopassword LOGIN');
    await fails(admin, 'CREATE ROLE pg_canary', '42939', 'role name "pg_canary" is reserved', 'Role names starting with "pg_" are reserved.');
    await fails(admin, "CREATE ROLE twice LOGIN NOLOGIN", '42601', 'conflicting or redundant options');
    await fails(admin, "CREATE ROLE leaky PASSWORD 'do-not-echo' IN ROLE canary", '42601', "lab-sim does not support this statement: CREATE ROLE leaky PASSWORD '…' IN ROLE canary");

    const canary = await connect('canary', 'canary-pw');
    assert.deepEqual((await canary.query('SELECT current_user')).rows, [{ current_user: 'canary' }]);
    assert.deepEqual((await (await connect('Mixed Case', 'mixed-pw')).query('SELECT current_user')).rows, [{ current_user: 'Mixed Case' }], 'CREATE USER implies LOGIN');
    const wrong = await connectError('canary', 'nope');
    assert.deepEqual([wrong.code, wrong.severity, wrong.message], ['28P01', 'FATAL', 'password authentication failed for user "canary"']);
    const nologin = await connectError('nologin', 'nl-pw');
    assert.deepEqual([nologin.code, nologin.severity, nologin.message], ['28000', 'FATAL', 'role "nologin" is not permitted to log in']);
    assert.equal((await connectError('nologin', 'wrong')).code, '28P01', 'the password is checked first');
    assert.equal((await connectError('nopassword', 'anything')).code, '28P01', 'a role without a password cannot log in with one');
  });

  it('CREATE DATABASE … OWNER records the owner, who connects to it; unknown owners are 42704', async () => {
    await admin.query('CREATE DATABASE canary WITH OWNER = canary');
    await fails(admin, 'CREATE DATABASE c2 OWNER nobody', '42704', 'role "nobody" does not exist');
    assert.equal(sim.state().postgres.databases.find((d) => d.name === 'canary'), undefined, 'not a lab.yaml database');
    const own = await connect('canary', 'canary-pw', 'canary');
    assert.deepEqual((await own.query('SELECT current_user')).rows, [{ current_user: 'canary' }]);
    assert.deepEqual((await own.query('SELECT current_database()')).rows, [{ current_database: 'canary' }]);
    const other = await connect('canary', 'canary-pw', 'webapp');
    assert.deepEqual((await other.query('SELECT current_database()')).rows, [{ current_database: 'webapp' }], 'PUBLIC has CONNECT');
    await own.end();
    open.delete(own);
  });

  it('only superusers and roles with CREATEROLE / CREATEDB create roles and databases (42501)', async () => {
    const canary = await connect('canary', 'canary-pw');
    await fails(canary, 'CREATE ROLE x', '42501', 'permission denied to create role', 'Only roles with the CREATEROLE attribute may create roles.');
    await fails(canary, 'CREATE DATABASE x', '42501', 'permission denied to create database');
    await fails(canary, 'DROP ROLE nologin', '42501', 'permission denied to drop role');
    await fails(canary, 'ALTER ROLE canary CREATEDB', '42501', 'permission denied to alter role');
    assert.equal((await canary.query("ALTER ROLE canary WITH PASSWORD 'canary-pw2'")).command, 'ALTER', 'a role changes its own password');
    assert.equal((await connectError('canary', 'canary-pw')).code, '28P01');
    await connect('canary', 'canary-pw2');

    await admin.query("CREATE ROLE maker CREATEDB CREATEROLE LOGIN PASSWORD 'maker-pw'");
    const maker = await connect('maker', 'maker-pw');
    await maker.query('CREATE DATABASE makers');
    await fails(maker, 'CREATE DATABASE theirs OWNER canary', '42501', 'must be able to SET ROLE "canary"');
    await fails(maker, 'CREATE ROLE boss SUPERUSER', '42501', 'permission denied to create role', 'Only roles with the SUPERUSER attribute may create roles with the SUPERUSER attribute.');
    await maker.query('CREATE ROLE helper LOGIN');
    await maker.query('DROP ROLE helper');
    assert.deepEqual(await roles('helper'), []);
  });

  it('DROP ROLE: 42704, NOTICE with IF EXISTS, 2BP01 while it owns a database, 55006 for oneself; all or nothing', async () => {
    await fails(admin, 'DROP ROLE nobody', '42704', 'role "nobody" does not exist');
    await fails(admin, 'DROP ROLE canary', '2BP01', 'role "canary" cannot be dropped because some objects depend on it', 'owner of database canary');
    await fails(admin, 'DROP ROLE postgres', '55006', 'current user cannot be dropped');
    await fails(admin, 'DROP ROLE IF EXISTS nologin, canary', '2BP01', 'role "canary" cannot be dropped because some objects depend on it');
    assert.deepEqual(await roles('nologin'), ['nologin'], 'nothing dropped when one name fails');

    admin.notices = [];
    assert.equal((await admin.query('DROP ROLE IF EXISTS nobody, nologin')).command, 'DROP');
    assert.deepEqual(admin.notices, ['role "nobody" does not exist, skipping']);
    assert.deepEqual(await roles('nologin'), []);
    await admin.query('DROP DATABASE canary WITH (FORCE)');
    await admin.query('DROP ROLE canary');
    assert.equal((await connectError('canary', 'canary-pw2')).code, '28P01');
  });

  it('pg_roles lists postgres, the predefined roles, owners, runtime roles and Vault\'s dynamic ones', async () => {
    const result = await admin.query('SELECT rolname FROM pg_catalog.pg_roles WHERE rolname = $1', ['postgres']);
    assert.deepEqual(result.rows, [{ rolname: 'postgres' }]);
    assert.deepEqual(result.fields.map((f) => [f.name, f.dataTypeID]), [['rolname', 19]]);
    assert.deepEqual((await admin.query("SELECT rolname FROM pg_roles WHERE rolname = 'erp'")).rows, [{ rolname: 'erp' }], 'database owners exist');
    const all = (await admin.query('SELECT rolname FROM pg_roles ORDER BY rolname')).rows.map((r) => r.rolname);
    for (const name of ['Mixed Case', 'maker', 'pg_monitor', 'postgres', 'webapp']) assert.ok(all.includes(name), name);
    const vaultRole = all.find((n: string) => n.startsWith('v-kubernet-erp-'));
    assert.ok(vaultRole, 'VSO\'s credentials for the ERP are a role');
  });

  it('VALID UNTIL: a role past it cannot log in (28P01); a stored SCRAM verifier is taken as is', async () => {
    await admin.query("CREATE ROLE expired LOGIN PASSWORD 'old-pw' VALID UNTIL '2000-01-01 00:00:00+00'");
    assert.equal((await connectError('expired', 'old-pw')).code, '28P01');
    await admin.query("ALTER ROLE expired VALID UNTIL 'infinity'");
    await connect('expired', 'old-pw');
    await fails(admin, "ALTER ROLE expired VALID UNTIL 'tomorrowish'", '22007', 'invalid input syntax for type timestamp with time zone: "tomorrowish"');

    const v = scramVerifier('hashed-pw', randomBytes(16));
    const stored = `SCRAM-SHA-256$${v.iterations}:${v.salt.toString('base64')}$${v.storedKey.toString('base64')}:${v.serverKey.toString('base64')}`;
    await admin.query(`CREATE ROLE prehashed LOGIN PASSWORD '${stored}'`);
    await connect('prehashed', 'hashed-pw');
  });

  it('psql logs in as a created role', { skip: !existsSync(PSQL) && `${PSQL} is not installed` }, async () => {
    await admin.query("CREATE ROLE viapsql LOGIN PASSWORD 'psql-pw'");
    const env = { ...process.env, PGHOST: sim.postgres.host, PGPORT: String(sim.postgres.port), PGUSER: 'viapsql', PGDATABASE: 'postgres', PGPASSWORD: 'psql-pw', PGCONNECT_TIMEOUT: '5' };
    const { stdout } = await promisify(execFile)(PSQL, ['-X', '-A', '-t', '-c', 'SELECT current_user'], { env, timeout: 20_000 });
    assert.equal(stdout, 'viapsql\n');
  });
});
