import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import pg from 'pg';
import { PACKAGE_ROOT } from '../engine/common/package-root.ts';
import { startLabSim, type LabSim } from '../engine/sim/index.ts';
import { summarize } from './stats.ts';

export const name = 'sim-start';

const RUNS = 7;
/** A spare data directory is made in the background after each start; give it time, as between real starts. */
const PAUSE_MS = 1500;
const TARGETS = { simLiveMedianMs: 2500, statusMedianMs: 1500 };
const execFileAsync = promisify(execFile);

/** Every source answers: the kube, Vault, Gitea and Step-CA listeners, and a login to PostgreSQL. */
async function everySourceLive(sim: LabSim): Promise<void> {
  const ok = async (url: string) => {
    const res = await fetch(url);
    await res.arrayBuffer();
    if (res.status >= 500) throw new Error(`${url}: ${res.status}`);
  };
  const password = readFileSync(sim.files.postgresPassword, 'utf8').trim();
  const db = new pg.Client({ host: sim.postgres.host, port: sim.postgres.port, user: 'postgres', password, database: 'postgres' });
  await Promise.all([ok(`${sim.urls.kube}/version`), ok(`${sim.urls.vault}/v1/sys/health`), ok(`${sim.urls.gitea}/api/healthz`), ok(`${sim.urls.stepca}/health`), db.connect().then(() => db.query('SELECT 1'))]);
  await db.end();
}

/**
 * lab-sim's start-up: from startLabSim() to every source answering (manual clock, the tests'
 * seed), and the wall time of `lab-tui status --sim --json` (a process that starts its own sim,
 * reads everything once and exits).
 */
export async function run(): Promise<{ targetsMet: boolean; [metric: string]: unknown }> {
  const live: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const sim = await startLabSim({ clock: 'manual', seed: 7 });
    await everySourceLive(sim);
    live.push(performance.now() - started);
    await sim.stop();
    await new Promise((r) => setTimeout(r, PAUSE_MS));
  }
  const status: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await execFileAsync(process.execPath, [join(PACKAGE_ROOT, 'bin', 'lab-tui.js'), 'status', '--sim', '--json'], { timeout: 60_000 });
    status.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, PAUSE_MS));
  }
  const simLive = summarize(live);
  const statusWall = summarize(status);
  return { targetsMet: simLive.median <= TARGETS.simLiveMedianMs && statusWall.median <= TARGETS.statusMedianMs, targets: TARGETS, simLiveMs: simLive, statusSimJsonMs: statusWall };
}
