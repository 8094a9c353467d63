import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { manifestPath } from '../../engine/common/package-root.ts';
import { loadDrill } from '../../engine/drills/load-drill.ts';
import { runDrill } from '../../engine/drills/run-drill.ts';
import { loadRunbook } from '../../engine/runbook/parse-runbook.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { drillDeps } from '../../src/cli/wiring.ts';
import { drillWithSimClock, recordOf, stepsOf } from '../helpers/drill-run.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import type { EngineHarness } from '../helpers/runbook-run.ts';
import { engineOnRealPostgres, seedErpWithBackup, superuserSql } from '../helpers/real-postgres-erp.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * The db-drop-restore drill against a REAL PostgreSQL: lab-sim provides Kubernetes, Vault and the
 * rest; `sandbox.postgres` points at a server the test starts, with a `pg_dump -Fc` of `erp` in
 * `sandbox.backups.postgres` and no `postgres.restore` recovery command, so the engine's built-in
 * pg_restore runs. The drill's fault drops the real database through the guarded PostgreSQL
 * adapter (DROP DATABASE … WITH (FORCE)), the runbook restores it, the data is all back.
 */

const TOKEN = 'erp-drill-4f2a';
const ORDERS = 3000;

describe('drill db-drop-restore against a real PostgreSQL', () => {
  let sim: LabSim | undefined;
  let db: TestPostgres | undefined;
  let h: EngineHarness | undefined;
  let work: string | undefined;
  let backups: string;

  const sql = <T extends Record<string, unknown>>(database: string, text: string) => superuserSql(db!)<T>(database, text);
  const erpOid = async () => (await sql<{ oid: string }>('postgres', "SELECT oid::text FROM pg_database WHERE datname = 'erp'"))[0]?.oid;
  const orders = async () => (await sql<{ count: string; sum: string }>('erp', 'SELECT count(*)::text AS count, sum(total)::text AS sum FROM erp_orders'))[0]!;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-drill-pg-'));
    backups = path.join(work, 'backups');
    fs.mkdirSync(backups);
    [sim, db] = await Promise.all([startTestSim({ seed: 7 }), startPostgres()]);
    await sim.advance(60_000);

    await seedErpWithBackup(db, backups, { token: TOKEN, orders: ORDERS });
    h = await engineOnRealPostgres(sim, db, work, backups);
    const snap = () => h!.health.snapshots.get();
    await waitFor(() => snap().sources.every((s) => s.status !== 'connecting') && snap().sources.find((s) => s.id === 'postgres')?.status === 'live' && snap().databases?.names.includes('erp'), { what: 'the dashboard sees the real PostgreSQL with erp', timeoutMs: 10_000 });
  });

  after(async () => {
    await h?.stop();
    await sim?.stop();
    db?.stop();
    if (h) fs.rmSync(h.runsDir, { recursive: true, force: true });
    if (sim) fs.rmSync(sim.stateDir, { recursive: true, force: true });
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('drops the real database, restores it from the dump with every row, and passes', async () => {
    const before = { oid: await erpOid(), orders: await orders() };
    assert.ok(before.oid, 'erp exists before the drill');
    assert.equal(Number(before.orders.count), ORDERS);

    const drill = loadDrill(manifestPath('drills/db-drop-restore.yaml'));
    const start = () => runDrill({ drill, runbook: loadRunbook(manifestPath('runbooks/CLUSTER_RECOVERY.md')), runsDir: h!.runsDir, sandbox: 'lab-sim', autopilot: true, pollMs: 20 }, drillDeps(h!.sandbox, h!.health.snapshots));
    const { d, v } = await drillWithSimClock(start, sim!, { timeoutMs: 45_000 });
    assert.equal(v.outcome, 'passed', `${v.reason}; ${stepsOf(d)}`);

    // The data: every row back, the same sums, the same token.
    const after = { oid: await erpOid(), orders: await orders() };
    assert.deepEqual(after.orders, before.orders, 'as many rows as before, with the same totals');
    assert.deepEqual(await sql('erp', 'SELECT data_token FROM lab_meta'), [{ data_token: TOKEN }]);
    // Dropped for real, then recreated by pg_restore --create: a new database, not the old one left alone.
    assert.ok(after.oid && after.oid !== before.oid, `erp was dropped and recreated (oid ${before.oid} → ${after.oid})`);

    const { record, records } = recordOf(v.file);
    assert.deepEqual(record.problems, []);
    assert.equal(record.outcome, 'passed');
    const fault = records.find((r) => r.type === 'fault-injected');
    assert.ok(fault?.type === 'fault-injected' && /^DROP DATABASE erp WITH \(FORCE\)$/.test(fault.detail), `the fault went through the PostgreSQL adapter: ${JSON.stringify(fault)}`);
    const symptom = records.find((r) => r.type === 'symptom-detected');
    assert.ok(symptom?.type === 'symptom-detected' && /database "?erp"? does not exist/.test(symptom.detail), `the real server lost erp: ${JSON.stringify(symptom)}`);
    // lab-sim's own PostgreSQL model was not touched: the drop reached the real server only.
    assert.ok(!sim!.state().faults.some((f) => f.kind === 'db-drop'), JSON.stringify(sim!.state().faults));
    const restore = records.filter((r) => r.type === 'output' && /pg_restore --clean --if-exists --create/.test(r.text));
    assert.equal(restore.length, 1, 'the built-in pg_restore ran');
    assert.ok(record.timeToRecover && record.timeToRecover.totalMs > 0, JSON.stringify(record.timeToRecover));
    const afterState = records.filter((r) => r.type === 'steady-state').at(-1);
    assert.ok(afterState?.type === 'steady-state' && afterState.when === 'after' && afterState.ok, JSON.stringify(afterState));
    const text = fs.readFileSync(v.file, 'utf8');
    assert.ok(!text.includes(db!.password), 'the PostgreSQL password is not in the journal');
  });
});
