import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import pg from 'pg';
import type { LabSim } from '../../engine/sim/index.ts';
import { control, startTestSim } from '../helpers/lab-sim.ts';
import { waitFor } from '../helpers/wait.ts';

const PSQL = '/usr/bin/psql';
const DATABASES_SQL = 'SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY datname';
type PgFailure = Error & { code?: string; severity?: string; detail?: string };

describe('lab-sim PostgreSQL wire protocol (through the pg client)', () => {
  let sim: LabSim;
  let password: string;
  const open = new Set<pg.Client>();

  /** A pg client exactly as lab-tui's adapter builds one; the errors it emits later are collected. */
  async function connect(database = 'postgres', secret = password, user = 'postgres'): Promise<pg.Client & { failures: PgFailure[] }> {
    const client = Object.assign(new pg.Client({ host: sim.postgres.host, port: sim.postgres.port, user, password: secret, database, ssl: false, connectionTimeoutMillis: 5000 }), { failures: [] as PgFailure[] });
    client.on('error', (err) => client.failures.push(err));
    await client.connect();
    open.add(client);
    return client;
  }
  async function connectError(database: string, secret = password, user = 'postgres'): Promise<PgFailure> {
    const err = await connect(database, secret, user).then(() => assert.fail(`connected to ${database}`), (e: PgFailure) => e);
    return err;
  }
  const rows = async (client: pg.Client, sql: string, params?: unknown[]) => (await client.query(sql, params)).rows;
  const databases = async (client: pg.Client) => (await rows(client, DATABASES_SQL)).map((r) => r.datname);
  const erpReady = () => sim.state().pods.find((p) => p.namespace === 'erp')?.ready;

  before(async () => {
    sim = await startTestSim();
    password = readFileSync(sim.files.postgresPassword, 'utf8').trim();
  });
  after(async () => {
    await Promise.all([...open].map((c) => c.end().catch(() => {})));
    await sim.stop();
  });

  it('authenticates postgres with SCRAM-SHA-256 and the password from the 0600 state file', async () => {
    assert.equal(statSync(sim.files.postgresPassword).mode & 0o777, 0o600);
    assert.match(password, /^[A-Za-z0-9_-]{24}$/);
    const client = await connect();
    assert.deepEqual(await databases(client), ['erp', 'gitea', 'postgres', 'webapp']);
    assert.deepEqual(await rows(client, 'SELECT 1 AS x'), [{ x: 1 }]);
    assert.match((await rows(client, 'SELECT version()'))[0].version, /^PostgreSQL 16\.4 /);
    const result = await client.query('SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY datname');
    assert.equal(result.command, 'SELECT');
    assert.equal(result.rowCount, 4);
    assert.deepEqual(result.fields.map((f) => [f.name, f.dataTypeID, f.tableID, f.columnID]), [['datname', 19, 1262, 2]]);
    await client.end();
    open.delete(client);
  });

  it('counts the rows of each database\'s main table and reads its data token', async () => {
    const erp = await connect('erp');
    const count = await erp.query('SELECT count(*) FROM erp_orders');
    assert.deepEqual(count.rows, [{ count: '184223' }]);
    assert.equal(count.fields[0]?.dataTypeID, 20, 'count(*) is int8');
    assert.deepEqual(await rows(erp, 'SELECT data_token FROM lab_meta'), [{ data_token: 'erp-db-7c1d' }]);
    await assert.rejects(erp.query('SELECT count(*) FROM action'), { code: '42P01', message: 'relation "action" does not exist' });
    await assert.rejects(erp.query('SELECT * FROM erp_orders LIMIT 1'), { code: '42601', message: /lab-sim does not support this statement: SELECT \* FROM erp_orders LIMIT 1/ });
    assert.deepEqual(await rows(erp, 'SELECT 1'), [{ '?column?': 1 }], 'the session survives errors');
  });

  it('refuses a wrong password and an unknown role alike (28P01)', async () => {
    for (const [user, secret] of [['postgres', 'not-the-password'], ['erp', password]] as const) {
      const err = await connectError('postgres', secret, user);
      assert.equal(err.code, '28P01');
      assert.equal(err.severity, 'FATAL');
      assert.equal(err.message, `password authentication failed for user "${user}"`);
    }
  });

  it('runs parameterised queries over the extended protocol, with named prepared statements', async () => {
    const client = await connect();
    assert.deepEqual(await rows(client, 'SELECT datname FROM pg_database WHERE datname = $1', ['erp']), [{ datname: 'erp' }]);
    assert.deepEqual(await rows(client, 'SELECT datname FROM pg_database WHERE datname = $1', ['nope']), []);
    for (const n of ['41', '42']) assert.deepEqual((await client.query({ name: 'answer', text: 'SELECT $1::int8 AS n', values: [n] })).rows, [{ n }]);
    await assert.rejects(client.query('SELECT $1::int AS n', ['many']), { code: '22P02', message: 'invalid input syntax for type integer: "many"' });
    assert.deepEqual(await rows(client, 'SELECT current_database()'), [{ current_database: 'postgres' }], 'usable again after an error');
  });

  it('db-drop: the database leaves pg_database, its sessions are ended, connecting fails 3D000; restore brings it back', async () => {
    const admin = await connect();
    const erp = await connect('erp');
    await sim.fault('db-drop', 'erp');
    assert.deepEqual(await databases(admin), ['gitea', 'postgres', 'webapp']);
    await waitFor(() => erp.failures.length, { what: 'the erp session to be terminated' });
    assert.equal(erp.failures[0]?.code, '57P01');
    const err = await connectError('erp');
    assert.equal(err.code, '3D000');
    assert.equal(err.message, 'database "erp" does not exist');

    assert.equal((await control(sim, '/control/postgres/restore', { database: 'erp' })).status, 200);
    const back = await connect('erp');
    assert.deepEqual(await rows(back, 'SELECT count(*) FROM erp_orders'), [{ count: '184223' }]);
    assert.deepEqual(await rows(back, 'SELECT data_token FROM lab_meta'), [{ data_token: 'erp-db-7c1d' }]);
    assert.deepEqual(await databases(admin), ['erp', 'gitea', 'postgres', 'webapp']);
    await back.end();
    open.delete(back);
  });

  it('DROP DATABASE and CREATE DATABASE act on the model with PostgreSQL\'s guard rails', async () => {
    const admin = await connect();
    const erp = await connect('erp');
    await assert.rejects(erp.query('DROP DATABASE erp'), { code: '55006', message: 'cannot drop the currently open database' });
    await assert.rejects(admin.query('DROP DATABASE erp'), { code: '55006', message: 'database "erp" is being accessed by other users', detail: 'There is 1 other session using the database.' });
    await assert.rejects(admin.query('CREATE DATABASE erp'), { code: '42P04', message: 'database "erp" already exists' });
    await admin.query('DROP DATABASE erp WITH (FORCE)');
    await waitFor(() => erp.failures.length, { what: 'the erp session to be terminated by FORCE' });
    assert.equal(erp.failures[0]?.code, '57P01');
    await sim.advance(1_000);
    assert.equal(erpReady(), false);
    assert.equal(sim.state().postgres.databases.find((d) => d.name === 'erp')?.present, false);

    await admin.query('CREATE DATABASE erp');
    const empty = await connect('erp');
    await assert.rejects(empty.query('SELECT count(*) FROM erp_orders'), { code: '42P01' });
    await sim.advance(1_000);
    assert.equal(erpReady(), false, 'an empty database is not a restore');
    assert.equal(sim.state().postgres.databases.find((d) => d.name === 'erp')?.intact, false);

    await control(sim, '/control/postgres/restore', { database: 'erp' });
    await sim.advance(1_000);
    assert.equal(erpReady(), true);
    assert.equal(sim.state().postgres.databases.find((d) => d.name === 'erp')?.intact, true);
  });

  it('node-stop pi2: connections refused and open ones cut; back once pi2 has booted and PostgreSQL started', async () => {
    const client = await connect();
    await sim.fault('node-stop', 'pi2');
    assert.equal(sim.state().services.postgres, false);
    await waitFor(() => client.failures.length, { what: 'the open session to be cut' });
    assert.equal(client.failures[0]?.code, 'ECONNRESET', 'a machine losing power sends no goodbye');
    assert.equal((await connectError('postgres')).code, 'ECONNREFUSED');

    await sim.fault('node-start', 'pi2');
    await sim.advance(39_000); // nodeBoot 30 s + postgresStart 10 s
    assert.equal((await connectError('postgres')).code, 'ECONNREFUSED');
    await sim.advance(1_000);
    assert.equal(sim.state().services.postgres, true);
    assert.deepEqual(await databases(await connect()), ['erp', 'gitea', 'postgres', 'webapp']);
  });

  it('psql lists the databases (SSLRequest refused, SCRAM, simple query)', { skip: !existsSync(PSQL) && `${PSQL} is not installed` }, async () => {
    const env = { ...process.env, PGHOST: sim.postgres.host, PGPORT: String(sim.postgres.port), PGUSER: 'postgres', PGDATABASE: 'postgres', PGPASSWORD: password, PGCONNECT_TIMEOUT: '5' };
    const { stdout } = await promisify(execFile)(PSQL, ['-X', '-A', '-t', '-c', DATABASES_SQL], { env, timeout: 20_000 });
    assert.equal(stdout, 'erp\ngitea\npostgres\nwebapp\n');
  });
});
