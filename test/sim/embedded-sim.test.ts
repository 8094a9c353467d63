import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PACKAGE_ROOT } from '../../engine/common/package-root.ts';
import { startEmbeddedSim } from '../../engine/sim/thread/start-sim-thread.ts';
import { scratchDir } from '../helpers/git-client.ts';

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });

describe('the embedded lab-sim (in-process from the sources; the bundled CLI runs it in a worker thread)', () => {
  it('starts, writes the configuration lab-tui reads, and stops everything it started, PostgreSQL included', async () => {
    const sim = await startEmbeddedSim({ clock: 'manual', seed: 3 });
    const config = parse(readFileSync(sim.configFile, 'utf8')) as { sandbox: { postgres: { port: number }; kubernetes: { server: string } } };
    assert.ok(sim.configFile.startsWith(sim.stateDir));
    const health = await fetch(`${config.sandbox.kubernetes.server}/healthz`).then((r) => r.status, () => 0);
    assert.notEqual(health, 0, 'the kube listener answers');
    assert.equal(await refused(config.sandbox.postgres.port), false, 'PostgreSQL listens');
    await sim.stop();
    assert.equal(await refused(config.sandbox.postgres.port), true, 'PostgreSQL is gone after stop');
    assert.equal(existsSync(join(sim.stateDir, 'control.json')), false);
  });

  it('a lab-sim that cannot start says why, with the file and line', async () => {
    const topology = join(scratchDir('sim-thread-'), 'lab.yaml');
    writeFileSync(topology, 'cluster:\n  name: [unclosed\n');
    await assert.rejects(startEmbeddedSim({ clock: 'manual', topologyFile: topology }), (e: Error) => e.message.startsWith(`${topology}:3:1: (syntax)`));
  });

  it('bundled, `lab-tui status --sim --json` runs it in a worker thread: every source live, exit 0', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(PACKAGE_ROOT, 'bin', 'lab-tui.js'), 'status', '--sim', '--json'], { timeout: 60_000 });
    const snap = JSON.parse(stdout) as { sandbox: { simulated: boolean }; sources: { id: string; status: string }[] };
    assert.equal(snap.sandbox.simulated, true);
    assert.deepEqual(snap.sources.map((x) => `${x.id} ${x.status}`), ['kubernetes live', 'vault live', 'postgres live', 'gitea live', 'stepca live']);
  });
});
