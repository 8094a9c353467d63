import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startLabSim, type LabSim } from '../../engine/sim/index.ts';
import type { Snapshot } from '../../engine/health/types.ts';
import { startSandboxHealth } from '../../src/cli/wiring.ts';
import { loadConfigFile } from '../../src/config/load.ts';
import { openSandbox } from '../../src/guard/sandbox.ts';
import { runCli } from '../helpers/cli.ts';
import { waitFor } from '../helpers/wait.ts';

let sim: LabSim;
before(async () => {
  sim = await startLabSim({ clock: 'manual', seed: 5 });
  await sim.advance(60_000);
  await sim.fault('node-stop', 'pi3');
  await sim.fault('vault-seal');
  await sim.advance(45_000);
});
after(() => sim.stop());

/** Observation times differ between two runs; everything the operator reads must not. */
const comparable = (s: Snapshot) => ({
  nodes: s.nodes,
  components: s.components.map(({ since: _since, ...c }) => (c.id === 'gitea' || c.id === 'postgres' || c.id === 'stepca' ? { id: c.id, status: c.status } : c)),
  volumes: s.volumes,
  apps: s.apps,
  secrets: s.secrets,
  workloads: s.workloads,
  vault: s.vault,
});

it('lab-tui status --json prints the snapshot the dashboard renders', async () => {
  const env = {};
  const sandbox = await openSandbox(loadConfigFile(sim.files.config, env), env);
  const health = startSandboxHealth(sandbox, () => {});
  try {
    const dashboard = await waitFor(() => {
      const s = health.snapshots.get();
      return s.sources.every((src) => src.status !== 'connecting') && s.nodes.length ? s : undefined;
    }, { what: 'the dashboard snapshot' });
    const r = await runCli(['--config', sim.files.config, 'status', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const printed = JSON.parse(r.stdout) as Snapshot;
    assert.equal(printed.schema, 'lab-tui/status@1');
    assert.deepEqual(comparable(printed), comparable(JSON.parse(JSON.stringify(dashboard)) as Snapshot));
    assert.equal(printed.nodes.find((n) => n.name === 'pi3')?.ready, 'NotReady');
    assert.equal(printed.components.find((c) => c.id === 'vault')?.status, 'down');
  } finally {
    await health.stop();
  }
});
