import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readFileSync, rmSync } from 'node:fs';
import { parse } from 'yaml';
import { startLabSim, type LabSim, type LabSimOptions } from '../../engine/sim/index.ts';

const execFileAsync = promisify(execFile);

/** State directories lab-sim made for this test process: removed when it exits, whatever the test did with them. */
const madeStateDirs: string[] = [];
process.once('exit', () => madeStateDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A manual-clock lab-sim with a fixed seed: the default for deterministic tests. */
export async function startTestSim(opts: LabSimOptions = {}): Promise<LabSim> {
  const sim = await startLabSim({ clock: 'manual', seed: 7, ...opts });
  if (!opts.stateDir) madeStateDirs.push(sim.stateDir);
  return sim;
}

function kubectlArgs(sim: LabSim, args: string[]): string[] {
  return ['--kubeconfig', sim.files.kubeconfig, '--cache-dir', join(sim.stateDir, 'kubectl-cache'), ...args];
}

/** Stock kubectl against the sim (async: the sim serves from this very process). */
export async function kubectl(sim: LabSim, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('kubectl', kubectlArgs(sim, args), { timeout: 20_000 });
  return stdout;
}

export function spawnKubectl(sim: LabSim, ...args: string[]): ChildProcessWithoutNullStreams {
  return spawn('kubectl', kubectlArgs(sim, args));
}

// Bodies are loosely typed on purpose: tests assert on the wire format, field by field.

/** POST to the sim's control API; resolves to the HTTP status and parsed body. */
export async function control(sim: LabSim, path: string, body: unknown = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sim.urls.control}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

/** Raw GET with a JSON body, for protocol-level assertions. */
export async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Does a TCP connect to `url` get refused (service powered off)? */
export async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return false;
  } catch (err) {
    return /ECONNREFUSED/.test(String((err as { cause?: unknown }).cause ?? err));
  }
}

/** The kubeconfig user's bearer token, for raw HTTP requests to the kube listener. */
export function bearerToken(sim: LabSim): string {
  const config = parse(readFileSync(sim.files.kubeconfig, 'utf8')) as { users: { user: { token: string } }[] };
  return config.users[0]?.user.token ?? '';
}
