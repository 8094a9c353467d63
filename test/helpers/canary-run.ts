import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CanaryDeps } from '../../engine/gates/canary/canary-gate.ts';
import { DEFAULT_CANARY_FILE } from '../../engine/gates/canary/canary-manifest.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { loadConfigFile } from '../../src/config/load.ts';
import { openSandbox, type Sandbox } from '../../src/guard/sandbox.ts';

/**
 * The guarded sandbox on a manual-clock lab-sim (its real PostgreSQL included, as the
 * superuser or as `login`, password in a 0600 file; Vault as root or with `vaultToken`; Gitea with
 * its admin token or `giteaToken`) and the canary's waits advancing the sim's clock.
 */
export async function canaryOn(sim: LabSim, login?: { user: string; password: string }, vaultToken?: string, giteaToken?: string): Promise<{ sandbox: Sandbox; deps: CanaryDeps }> {
  const env = { PATH: process.env.PATH ?? '', HOME: os.homedir() };
  let config = loadConfigFile(sim.files.config, env);
  if (vaultToken && config.sandbox.vault) {
    // The sandbox's Vault token is the key file's root_token: a copy holding another token.
    const keys = JSON.parse(fs.readFileSync(sim.files.keyFile, 'utf8')) as Record<string, unknown>;
    const keyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lab-canary-k-')), 'cluster-keys.json');
    fs.writeFileSync(keyFile, JSON.stringify({ ...keys, root_token: vaultToken }), { mode: 0o600 });
    config = { ...config, sandbox: { ...config.sandbox, vault: { ...config.sandbox.vault, keyFile } } };
  }
  if (giteaToken && config.sandbox.gitea) {
    const tokenFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lab-canary-g-')), 'gitea-token');
    fs.writeFileSync(tokenFile, `${giteaToken}\n`, { mode: 0o600 });
    config = { ...config, sandbox: { ...config.sandbox, gitea: { ...config.sandbox.gitea, tokenFile } } };
  }
  let postgres = config.sandbox.postgres;
  if (login && postgres) {
    const passwordFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lab-canary-')), 'pg-password');
    fs.writeFileSync(passwordFile, `${login.password}\n`, { mode: 0o600 });
    postgres = { ...postgres, user: login.user, passwordFile };
  }
  const sandbox = await openSandbox({ ...config, sandbox: { ...config.sandbox, postgres } }, env);
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
