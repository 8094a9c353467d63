import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { manifestPath } from '../../engine/common/package-root.ts';
import { loadDrill } from '../../engine/drills/load-drill.ts';
import { resumeDrill } from '../../engine/drills/resume-drill.ts';
import { runDrill, type DrillRun } from '../../engine/drills/run-drill.ts';
import { verifyJournalFile } from '../../engine/runbook/journal-chain.ts';
import { readJournal } from '../../engine/runbook/journal.ts';
import { loadRunbook } from '../../engine/runbook/parse-runbook.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { drillDeps } from '../../src/cli/wiring.ts';
import { describeDrill, drillWithSimClock, recordOf } from '../helpers/drill-run.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { engineOn, type EngineHarness } from '../helpers/runbook-run.ts';
import { waitFor } from '../helpers/wait.ts';

const RUNBOOK = manifestPath('runbooks/CLUSTER_RECOVERY.md');
const vaultSeal = loadDrill(manifestPath('drills/vault-seal.yaml'));
/** How long lab-tui "was down" between leaving a drill and resuming it: the resumed journal's clock is that far ahead. */
const DOWN_MS = 90_000;

/**
 * A drill lab-tui stopped following ends all the same: `resumeDrill` takes it up from its journal
 * (what `lab-tui resume` does), to a real outcome and time to recover with the gap counted, or
 * `interrupted` when the operator says so or the sandbox can no longer be observed.
 */
describe('a drill left without an outcome, then resumed', () => {
  const labs: { sim: LabSim; h: EngineHarness; runs: DrillRun[] }[] = [];
  after(async () => {
    for (const { sim, h, runs } of labs) {
      for (const d of runs) if (!d.view.get().outcome) await d.abort().catch(() => {});
      await h.stop();
      await sim.stop();
      fs.rmSync(h.runsDir, { recursive: true, force: true });
      fs.rmSync(sim.stateDir, { recursive: true, force: true });
    }
  });

  /** A fresh lab-sim with vault-seal started on it (on autopilot unless told), left once the fault is in and its walkthrough has begun. */
  async function leftDrill(o: { autopilot?: boolean } = {}): Promise<{ sim: LabSim; h: EngineHarness; file: string }> {
    const sim = await startTestSim({ seed: 11 });
    await sim.advance(60_000);
    const h = await engineOn(sim);
    const lab = { sim, h, runs: [] as DrillRun[] };
    labs.push(lab);
    await waitFor(() => h.health.snapshots.get().sources.every((s) => s.status !== 'connecting'), { what: 'the health service has connected to every source', timeoutMs: 10_000 });
    const d = await runDrill({ drill: vaultSeal, runbook: loadRunbook(RUNBOOK), runsDir: h.runsDir, sandbox: 'lab-sim', autopilot: o.autopilot ?? true, pollMs: 20 }, drillDeps(h.sandbox, h.health.snapshots));
    lab.runs.push(d);
    await waitFor(() => d.run.view.get().steps[0]?.status !== 'pending', { what: `the walkthrough has begun; ${describeDrill(d)}` });
    const v = await d.leave();
    assert.equal(v.phase, 'left');
    assert.equal(v.outcome, undefined);
    return { sim, h, file: v.file };
  }

  it('leaving keeps the fault and writes no outcome, no cleanup and no seal; the operator can then end it interrupted, the reason kept, no time to recover', async () => {
    // Without the pilot, the walkthrough waits at its first [HUMAN] step: Vault is still sealed then.
    const { sim, h, file } = await leftDrill({ autopilot: false });
    const types = readJournal(file).records.map((r) => r.type);
    assert.ok(types.includes('fault-injected'), types.join(','));
    for (const t of ['drill-finished', 'steady-state', 'journal-sealed'] as const) assert.ok(types.filter((x) => x === t).length === (t === 'steady-state' ? 1 : 0), `${t}: ${types.join(',')}`);
    assert.equal(sim.state().vault.sealed, true, 'the fault stays: Vault is still sealed');
    assert.equal(recordOf(file).record.outcome, 'running');

    const v = await resumeDrill({ file, findDrill: () => vaultSeal, load: loadRunbook, pollMs: 20, interrupt: 'the game-day was called off' }, drillDeps(h.sandbox, h.health.snapshots)).then((d) => d.done);
    assert.deepEqual([v.outcome, v.reason], ['interrupted', 'the game-day was called off']);
    const { record, records } = recordOf(file);
    assert.deepEqual([record.outcome, record.reason, record.timeToRecover], ['interrupted', 'the game-day was called off', undefined]);
    const after = records.filter((r) => r.type === 'steady-state').at(-1);
    assert.ok(after?.type === 'steady-state' && after.when === 'after' && !after.ok, 'the steady state is checked again, and says Vault is still sealed');
    assert.deepEqual(verifyJournalFile(file), { status: 'valid', sealed: true, tornLines: [] });
  });

  it('resumed, it runs to its outcome and time to recover, the time nobody watched counted in the total, the journal sealed', async () => {
    const { sim, h, file } = await leftDrill();
    const before = readJournal(file).records;
    const { v } = await drillWithSimClock(() => resumeDrill({ file, findDrill: () => vaultSeal, load: loadRunbook, pollMs: 20, now: () => new Date(Date.now() + DOWN_MS) }, drillDeps(h.sandbox, h.health.snapshots)), sim, { timeoutMs: 60_000 });
    assert.equal(v.outcome, 'passed', v.reason);
    const { record, records } = recordOf(file);
    const resumed = records.find((r) => r.type === 'drill-resumed');
    assert.ok(resumed?.type === 'drill-resumed' && resumed.gapMs >= DOWN_MS, JSON.stringify(resumed));
    assert.ok(records.indexOf(resumed!) >= before.length, 'the resume continues the same journal');
    const ttr = record.timeToRecover!;
    assert.ok(ttr.downMs !== undefined && ttr.downMs >= DOWN_MS - 1000 && ttr.totalMs >= ttr.downMs, JSON.stringify(ttr));
    assert.equal(record.faultAt, before.find((r) => r.type === 'fault-injected')!.at, 'the fault time is the one in the journal');
    assert.deepEqual(verifyJournalFile(file), { status: 'valid', sealed: true, tornLines: [] });
    assert.equal(sim.state().vault.sealed, false);
  });

  it('a drill whose sandbox can no longer be observed (a power cut) ends interrupted, saying so', async () => {
    const { sim, h, file } = await leftDrill({ autopilot: false });
    // The power goes while nobody watches: Vault's node is off, nothing answers for it any more.
    await sim.fault('power-cut');
    await waitFor(
      async () => {
        await sim.advance(5_000);
        return h.health.snapshots.get().sources.find((s) => s.id === 'vault')?.status !== 'live';
      },
      { what: 'the health service sees Vault gone' },
    );
    const v = await resumeDrill({ file, findDrill: () => vaultSeal, load: loadRunbook, pollMs: 20 }, drillDeps(h.sandbox, h.health.snapshots)).then((d) => d.done);
    assert.equal(v.outcome, 'interrupted');
    assert.match(v.reason ?? '', /^the sandbox can no longer be observed: vault\.unsealed: /, v.reason);
    assert.equal(recordOf(file).record.outcome, 'interrupted');
  });
});
