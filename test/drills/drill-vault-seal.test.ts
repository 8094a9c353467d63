import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { manifestPath } from '../../engine/common/package-root.ts';
import { loadDrill } from '../../engine/drills/load-drill.ts';
import { runDrill } from '../../engine/drills/run-drill.ts';
import { readJournal } from '../../engine/runbook/journal.ts';
import { loadRunbook } from '../../engine/runbook/parse-runbook.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { drillDeps } from '../../src/cli/wiring.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { engineOn, type EngineHarness } from '../helpers/runbook-run.ts';
import { waitFor } from '../helpers/wait.ts';
import type { Store } from '../../engine/common/store.ts';
import type { Snapshot } from '../../engine/health/types.ts';

describe('drill vault-seal on autopilot against lab-sim', () => {
  let sim: LabSim;
  let h: EngineHarness;
  before(async () => {
    sim = await startTestSim({ seed: 41 });
    await sim.advance(60_000);
    h = await engineOn(sim);
  });
  after(async () => {
    await h.stop();
    await sim.stop();
  });

  it('injects, walks the runbook, stops the clock at acceptance and records a complete drill', async () => {
    const drill = loadDrill(manifestPath('drills/vault-seal.yaml'));
    const d = await runDrill({ drill, runbook: loadRunbook(manifestPath('runbooks/CLUSTER_RECOVERY.md')), runsDir: h.runsDir, sandbox: 'lab-sim', autopilot: true, pollMs: 20 }, drillDeps(h.sandbox, h.health.snapshots));
    let finished = false;
    void d.done.then(() => (finished = true));
    // lab-sim's clock moves while the drill waits (VSO back-off, rollouts).
    await waitFor(
      async () => {
        if (!finished) await sim.advance(5_000);
        return finished;
      },
      { what: `the drill finishes; ${JSON.stringify(d.view.get().acceptance)} ${d.run.view.get().phase.kind}`, timeoutMs: 60_000 },
    );
    const v = await d.done;
    assert.equal(v.outcome, 'passed', v.reason);
    assert.ok(v.detectedAt && v.acceptedAt);
    const ttr = v.timeToRecover!;
    assert.ok(ttr.totalMs > 0 && ttr.detectionMs !== undefined && ttr.detectionMs <= ttr.totalMs, JSON.stringify(ttr));
    assert.ok(ttr.agentMs >= 0 && ttr.humanMs >= 0 && ttr.verifyMs > 0, JSON.stringify(ttr));

    const { records, problems } = readJournal(v.file);
    assert.deepEqual(problems, []);
    const types = records.map((r) => r.type);
    for (const t of ['run-started', 'drill-started', 'steady-state', 'fault-injected', 'symptom-detected', 'acceptance-met', 'run-finished', 'drill-finished'] as const) assert.ok(types.includes(t), `${t} in ${types.join(',')}`);
    assert.ok(types.indexOf('fault-injected') < types.indexOf('step-started'), 'the fault comes before the first step');
    const after = records.filter((r) => r.type === 'steady-state').at(-1);
    assert.ok(after?.type === 'steady-state' && after.when === 'after' && after.ok, 'the steady state holds again afterwards');
  });

  it('reads a source again when it missed one read (down, nothing seen) instead of refusing the drill', async () => {
    // What the health service shows after one Vault read timed out: Vault down, its last seal state unknown.
    let missed = 5;
    const snapshots: Store<Snapshot> = {
      ...h.health.snapshots,
      get: () => {
        const s = h.health.snapshots.get();
        if (missed-- <= 0) return s;
        return { ...s, sources: s.sources.map((x) => (x.id === 'vault' ? { ...x, status: 'down' as const, error: 'no answer within 1500 ms' } : x)) };
      },
    };
    const drill = loadDrill(manifestPath('drills/vault-seal.yaml'));
    const d = await runDrill({ drill, runbook: loadRunbook(manifestPath('runbooks/CLUSTER_RECOVERY.md')), runsDir: h.runsDir, sandbox: 'lab-sim', autopilot: false, pollMs: 20 }, drillDeps(h.sandbox, snapshots));
    assert.ok(missed < 0, 'the miss was seen and read past');
    const v = await d.abort();
    const steady = readJournal(v.file).records.find((r) => r.type === 'steady-state');
    assert.ok(steady?.type === 'steady-state' && steady.when === 'before' && steady.ok, 'the steady state held once Vault answered');
    await sim.advance(60_000);
  });

  it('refuses to start on a sandbox that is not in its steady state, saying why', async () => {
    await sim.fault('vault-seal');
    await waitFor(() => h.health.snapshots.get().vault?.sealed === true, { what: 'the dashboard sees Vault sealed' });
    const drill = loadDrill(manifestPath('drills/vault-seal.yaml'));
    await assert.rejects(
      runDrill({ drill, runbook: loadRunbook(manifestPath('runbooks/CLUSTER_RECOVERY.md')), runsDir: h.runsDir, sandbox: 'lab-sim', autopilot: true, pollMs: 20 }, drillDeps(h.sandbox, h.health.snapshots)),
      /drill vault-seal refused: the sandbox is not in its steady state: vault\.unsealed: Vault is sealed/,
    );
  });
});
