import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readJournal } from '../../engine/runbook/journal.ts';
import { loadRunbook } from '../../engine/runbook/parse-runbook.ts';
import { startRun } from '../../engine/runbook/start-run.ts';
import { manifestPath } from '../../engine/common/package-root.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { untilWithSimClock, type EngineHarness } from '../helpers/runbook-run.ts';
import { engineOnRealPostgres, seedErpWithBackup, superuserSql } from '../helpers/real-postgres-erp.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * The "Postgres restore" section of CLUSTER_RECOVERY.md walked by the runbook engine against a
 * REAL PostgreSQL: lab-sim provides Kubernetes (the ERP is scaled down and up), the database is
 * dumped with the real pg_dump, dropped, and restored by the engine's built-in pg_restore.
 */

const RUNBOOK = manifestPath('runbooks/CLUSTER_RECOVERY.md');
const SECTION = 'postgres-restore';
const TOKEN = 'erp-db-7c1d';
const ORDERS = 5000;

describe('runbook engine: Postgres restore against a real PostgreSQL', () => {
  let sim: LabSim | undefined;
  let db: TestPostgres | undefined;
  let h: EngineHarness | undefined;
  let work: string;
  let backups: string;
  let original: { count: number; sum: string };

  const sql = <T extends Record<string, unknown>>(database: string, text: string) => superuserSql(db!)<T>(database, text);
  const databases = async () => (await sql<{ datname: string }>('postgres', 'SELECT datname FROM pg_database')).map((r) => r.datname);
  const snapshot = () => h!.health.snapshots.get();
  const postgresLive = () => snapshot().sources.find((s) => s.id === 'postgres')?.status === 'live';

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-pg-restore-'));
    backups = path.join(work, 'backups');
    fs.mkdirSync(backups);
    [sim, db] = await Promise.all([startTestSim({ seed: 33 }), startPostgres()]);
    await sim.advance(60_000);

    await seedErpWithBackup(db, backups, { token: TOKEN, orders: ORDERS });
    const [row] = await sql<{ count: string; sum: string }>('erp', 'SELECT count(*)::text AS count, sum(total)::text AS sum FROM erp_orders');
    original = { count: Number(row!.count), sum: row!.sum };
    assert.equal(original.count, ORDERS);

    // The incident.
    await sql('postgres', 'DROP DATABASE erp WITH (FORCE)');
    assert.ok(!(await databases()).includes('erp'));

    h = await engineOnRealPostgres(sim, db, work, backups);
    await waitFor(() => postgresLive() && snapshot().databases?.names.includes('postgres') && !snapshot().databases!.names.includes('erp'), { what: 'the dashboard sees the real PostgreSQL without erp', timeoutMs: 10_000 });
  });

  after(async () => {
    await h?.stop();
    await sim?.stop();
    db?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('restores the dropped database from the newest dump, data intact, journaled without secrets', async () => {
    const { run, file } = startRun({ runbook: loadRunbook(RUNBOOK), section: SECTION, dir: h!.runsDir, sandbox: 'lab-sim', pollMs: 20 }, h!.deps);
    await untilWithSimClock(run, sim!, 'step 1 waits for the operator', () => run.view.get().phase.kind === 'operator');
    run.send({ type: 'done' });
    await untilWithSimClock(run, sim!, 'the run finishes', () => run.view.get().phase.kind === 'finished');
    const final = await run.done;

    assert.deepEqual(final.phase, { kind: 'finished', status: 'passed' });
    assert.deepEqual(final.steps.map((s) => s.status), ['done', 'done', 'done', 'done']);

    // What the operator relies on: the data is back, all of it.
    assert.ok((await databases()).includes('erp'), 'erp exists again');
    const [orders] = await sql<{ count: string; sum: string }>('erp', 'SELECT count(*)::text AS count, sum(total)::text AS sum FROM erp_orders');
    assert.deepEqual({ count: Number(orders!.count), sum: orders!.sum }, original);
    assert.deepEqual(await sql('erp', 'SELECT data_token FROM lab_meta'), [{ data_token: TOKEN }]);

    const { records, problems } = readJournal(file);
    assert.deepEqual(problems, []);
    assert.equal(records[0]?.type, 'run-started');
    const last = records.at(-2);
    assert.equal(records.at(-1)?.type, 'journal-sealed', 'the outcome, then the seal');
    assert.ok(last?.type === 'run-finished' && last.status === 'passed', JSON.stringify(last));
    for (const step of final.steps) {
      const mine = records.filter((r) => 'step' in r && r.step === step.id).map((r) => r.type);
      assert.ok(mine.includes('step-started') && mine.includes('step-finished'), `${step.id}: ${mine.join(',')}`);
      if (step.kind === 'AGENT') assert.ok(mine.includes('step-action') && mine.includes('verified'), `${step.id}: ${mine.join(',')}`);
    }
    const restore = final.steps[2]!.id;
    assert.ok(records.some((r) => r.type === 'step-action' && r.step === restore && r.action === 'postgres.restore'));
    const output = records.filter((r) => r.type === 'output' && r.step === restore).map((r) => (r.type === 'output' ? r.text : '')).join('\n');
    assert.match(output, /pg_restore --clean --if-exists --create/);
    assert.ok(output.includes(backups), `the output names the dump it restored: ${output}`);
    const verified = records.filter((r) => r.type === 'verified' && r.step === restore);
    assert.deepEqual(verified.map((r) => r.type === 'verified' && [r.probe, r.ok]), [['postgres.database', true], ['sql', true]]);

    const text = fs.readFileSync(file, 'utf8');
    assert.ok(!text.includes(db!.password), 'the PostgreSQL password is not in the journal');
    const secrets = h!.sandbox.secretValues();
    assert.ok(secrets.includes(db!.password), 'the guard knows the real password as a secret');
    for (const secret of secrets) assert.ok(!text.includes(secret), 'no secret in the journal');
  });

  it('fails the restore step, naming the backup directory, when it holds no dump of that database', async () => {
    await sql('postgres', 'DROP DATABASE IF EXISTS erp WITH (FORCE)');
    // Only a dump whose name merely starts with "erp": it must not be taken for erp's.
    for (const f of fs.readdirSync(backups)) fs.renameSync(path.join(backups, f), path.join(backups, `erpnext-${f}`));
    await waitFor(() => postgresLive() && !snapshot().databases?.names.includes('erp'), { what: 'the dashboard sees erp dropped again' });

    const { run, file } = startRun({ runbook: loadRunbook(RUNBOOK), section: SECTION, dir: h!.runsDir, sandbox: 'lab-sim', pollMs: 20 }, h!.deps);
    const phase = () => run.view.get().phase;
    await untilWithSimClock(run, sim!, 'step 1 waits for the operator', () => phase().kind === 'operator');
    run.send({ type: 'done' });

    await untilWithSimClock(run, sim!, 'the restore step fails', () => phase().kind === 'failed');
    const failedView = run.view.get();
    assert.equal(failedView.current, 2, 'it is step 3, the restore, that failed');
    assert.equal(failedView.steps[2]!.status, 'failed');
    const failedPhase = phase();
    assert.ok(failedPhase.kind === 'failed' && failedPhase.detail.includes(backups) && /no erp\.dump or erp-\*\.dump in/.test(failedPhase.detail), JSON.stringify(failedPhase));
    run.send({ type: 'continue' });

    // Scaling the ERP up requires the database: blocked, the operator skips it.
    await untilWithSimClock(run, sim!, 'step 4 is blocked by its requires', () => phase().kind === 'blocked' || phase().kind === 'finished');
    const blocked = phase();
    assert.ok(blocked.kind === 'blocked' && blocked.detail.startsWith('postgres.database'), JSON.stringify(blocked));
    run.send({ type: 'skip', reason: 'no database to connect to: the restore failed' });

    await untilWithSimClock(run, sim!, 'the run finishes', () => phase().kind === 'finished');
    const final = await run.done;
    assert.deepEqual(final.phase, { kind: 'finished', status: 'failed' });
    assert.deepEqual(final.steps.map((s) => s.status), ['done', 'done', 'failed', 'skipped']);
    assert.ok(!(await databases()).includes('erp'), 'nothing restored erp');

    const { records, problems } = readJournal(file);
    assert.deepEqual(problems, []);
    const restore = final.steps[2]!.id;
    const finished = records.find((r) => r.type === 'step-finished' && r.step === restore);
    assert.ok(finished?.type === 'step-finished' && finished.status === 'failed' && finished.reason?.includes(backups), JSON.stringify(finished));
    assert.ok(!records.some((r) => r.type === 'verified' && r.step === restore), 'a failed action is not verified');
    assert.ok(records.some((r) => r.type === 'requires-failed' && r.step === final.steps[3]!.id && r.probe === 'postgres.database'));
    const last = records.at(-2);
    assert.equal(records.at(-1)?.type, 'journal-sealed', 'the outcome, then the seal');
    assert.ok(last?.type === 'run-finished' && last.status === 'failed', JSON.stringify(last));
    const text = fs.readFileSync(file, 'utf8');
    for (const secret of h!.sandbox.secretValues()) assert.ok(!text.includes(secret), 'no secret in the journal');
  });
});
