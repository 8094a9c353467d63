import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CanaryDeps } from '../../engine/gates/canary/canary-gate.ts';
import { DEFAULT_CANARY_FILE } from '../../engine/gates/canary/canary-manifest.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { loadConfigFile } from '../../src/config/load.ts';
import { openSandbox, type Sandbox } from '../../src/guard/sandbox.ts';
import type { TestPostgres } from './postgres.ts';

/**
 * The guarded sandbox on a manual-clock lab-sim whose PostgreSQL is the real server the test
 * started (password in a 0600 file), and the canary's waits advancing the sim's clock.
 */
export async function canaryOn(sim: LabSim, db: TestPostgres, login: { user: string; password: string } = db): Promise<{ sandbox: Sandbox; deps: CanaryDeps }> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-canary-'));
  const passwordFile = path.join(work, 'pg-password');
  fs.writeFileSync(passwordFile, `${login.password}\n`, { mode: 0o600 });
  const env = { PATH: process.env.PATH ?? '', HOME: os.homedir() };
  const config = loadConfigFile(sim.files.config, env);
  const sandbox = await openSandbox({ ...config, sandbox: { ...config.sandbox, postgres: { host: db.host, port: db.port, user: login.user, database: 'postgres', passwordFile } } }, env);
  const deps: CanaryDeps = { kube: () => sandbox.kube(), vault: () => sandbox.vault(), postgres: () => sandbox.postgres(), gitea: () => sandbox.gitea(), now: () => sim.now(), sleep: (ms) => sim.advance(ms) };
  return { sandbox, deps };
}

/** The shipped convention with one typo, as a file next to nothing else. */
export function manifestWithTypo(from: string, to: string): string {
  const text = fs.readFileSync(DEFAULT_CANARY_FILE, 'utf8');
  if (!text.includes(from)) throw new Error(`manifests/canary.yaml has no ${JSON.stringify(from)} to break`);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lab-canary-m-')), 'canary.yaml');
  fs.writeFileSync(file, text.replace(from, to));
  return file;
}
