import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { LabSim } from '../../engine/sim/index.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { pgClient, psql, sql, superuserPassword, tableDigest } from '../helpers/sim-postgres.ts';

type PgError = Error & { code?: string; severity?: string };

describe('lab-sim PostgreSQL: a real PostgreSQL 16 server', () => {
  let sim: LabSim;
  before(async () => {
    sim = await startTestSim();
  });
  after(() => sim.stop());

  it('logs postgres in with SCRAM and the password of the 0600 state file; a wrong one is refused', async () => {
    assert.equal(statSync(sim.files.postgresPassword).mode & 0o777, 0o600);
    const [{ server_version }] = (await sql<{ server_version: string }>(sim, 'postgres', 'SHOW server_version')) as [{ server_version: string }];
    assert.equal(server_version, '16.4');
    assert.deepEqual(await sql(sim, 'postgres', "SELECT rolpassword LIKE 'SCRAM-SHA-256$4096:%' AS scram FROM pg_authid WHERE rolname = 'postgres'"), [{ scram: true }]);
    const wrong = await pgClient(sim, 'postgres', { user: 'postgres', password: 'not-the-password' }).then(() => assert.fail('logged in'), (e: PgError) => e);
    assert.equal(wrong.code, '28P01');
    assert.equal(wrong.message, 'password authentication failed for user "postgres"');
  });

  it('psql: \\l lists the lab\'s databases and their template-database backups, \\du the roles Vault made', async () => {
    const list = (await psql(sim, 'postgres', '-c', '\\l')).stdout;
    for (const db of ['erp', 'gitea', 'webapp']) {
      assert.match(list, new RegExp(`^ ${db} +\\| ${db} +\\|`, 'm'), `${db} owned by ${db}`);
      assert.match(list, new RegExp(`^ ${db}_backup_\\d{8}t\\d{4} +\\| postgres`, 'm'));
    }
    const roles = (await psql(sim, 'postgres', '-c', '\\du')).stdout;
    assert.match(roles, /^ postgres +\| Superuser, Create role, Create DB, Replication, Bypass RLS/m);
    assert.match(roles, /^ v-kubernet-erp-[0-9a-f]{20}-\d+ +\| Password valid until /m, 'the ERP\'s injected credentials are a real role');
    const backups = await sql<{ datname: string; datistemplate: boolean; datallowconn: boolean }>(sim, 'postgres', "SELECT datname, datistemplate, datallowconn FROM pg_database WHERE datname LIKE '%\\_backup\\_%' ORDER BY 1");
    assert.deepEqual(backups.map((b) => [b.datistemplate, b.datallowconn]), [[true, false], [true, false], [true, false]], 'backups are templates nobody connects to');
  });

  it('holds the seeded rows and data tokens, and counts its sessions in pg_stat_activity', async () => {
    assert.deepEqual(await sql(sim, 'erp', 'SELECT count(*)::int AS n FROM erp_orders'), [{ n: 184223 }]);
    assert.deepEqual(await sql(sim, 'gitea', 'SELECT data_token FROM lab_meta'), [{ data_token: 'gitea-db-09ab' }]);
    const a = await pgClient(sim, 'webapp');
    const b = await pgClient(sim, 'webapp');
    try {
      const [{ n }] = (await a.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = 'webapp'")).rows as [{ n: number }];
      assert.equal(n, 2);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });

  it('runs transactions: a rollback leaves nothing, a commit is seen by other sessions', async () => {
    const c = await pgClient(sim, 'webapp');
    try {
      await c.query('BEGIN');
      await c.query('CREATE TABLE drill_notes (id int PRIMARY KEY, note text)');
      await c.query("INSERT INTO drill_notes VALUES (1, 'rolled back')");
      await c.query('ROLLBACK');
      await assert.rejects(c.query('SELECT * FROM drill_notes'), { code: '42P01' });
      await c.query('BEGIN');
      await c.query('CREATE TABLE drill_notes (id int PRIMARY KEY, note text)');
      await c.query("INSERT INTO drill_notes VALUES (1, 'kept')");
      await c.query('COMMIT');
      assert.deepEqual(await sql(sim, 'webapp', 'SELECT note FROM drill_notes'), [{ note: 'kept' }]);
    } finally {
      await c.end();
    }
  });

  it('pi2 losing power: sessions reset, connections refused, then crash recovery and the same rows', async () => {
    const before = await tableDigest(sim, 'erp', 'erp_orders');
    const open = await pgClient(sim, 'erp');
    const reset = new Promise<PgError>((resolve) => open.on('error', resolve));
    await sim.fault('node-stop', 'pi2');
    assert.equal(sim.state().postgres.up, false);
    assert.equal((await reset).message.includes('ECONNRESET') || (await reset).message.includes('Connection terminated'), true, 'the open session is cut');
    const refused = await pgClient(sim).then(() => assert.fail('connected while pi2 is off'), (e: Error) => e);
    assert.match(refused.message, /ECONNREFUSED/);
    await sim.fault('node-start', 'pi2');
    await sim.advance(40_000); // boot, then the container's start
    assert.equal(sim.state().postgres.up, true);
    assert.deepEqual(await tableDigest(sim, 'erp', 'erp_orders'), before);
    const log = readFileSync(`${sim.stateDir}/postgres/postgresql.log`, 'utf8');
    assert.match(log, /received immediate shutdown request/);
    assert.match(log, /database system was not properly shut down; automatic recovery in progress/);
    assert.match(log, /redo done at/);
    await open.end().catch(() => undefined);
  });

  it('keeps the superuser password out of the state files other than its own and out of the server log', () => {
    const password = superuserPassword(sim);
    for (const file of [sim.files.env, sim.files.config, `${sim.stateDir}/postgres/postgresql.log`]) assert.ok(!readFileSync(file, 'utf8').includes(password), file);
  });
});
