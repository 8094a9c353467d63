import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runDrill } from '../../engine/drills/run-drill.ts';
import { autopilot } from '../../engine/drills/drill-autopilot.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { drillCatalog, runbookFor } from '../../src/cli/drill-catalog.ts';
import type { LabConfig } from '../../src/config/types.ts';
import { drillDeps } from '../../src/cli/wiring.ts';
import { runCli } from '../helpers/cli.ts';
import { configWith } from '../helpers/gate-config.ts';
import { drillWithSimClock, recordOf } from '../helpers/drill-run.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { engineOn, type EngineHarness } from '../helpers/runbook-run.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * The gate's positive path end to end: a sandbox the guard cannot identify as lab-sim (lab-sim's
 * configuration minus its control API, so every fault goes through the real mechanisms), a drill
 * walked by its operator (not on autopilot: the test answers each [HUMAN] step as the cockpit's
 * keys would), then `gate promote` from the CLI counts it; once the runbook section's text changes
 * in the configured runbooks, the same run no longer counts and the gate says why.
 */

interface GateJson {
  ok: boolean;
  countedSimulated?: boolean;
  reliedOn: { runId: string; sandbox: string; sectionDigest: string; outcome: string }[];
  ignored: { runId: string; reason: string }[];
}

describe('a real-looking sandbox run, walked by its operator, opens the gate until its section changes', () => {
  let sim: LabSim;
  let h: EngineHarness;
  let work: string;
  let configFile: string;
  let config: LabConfig;
  const withoutControlApi = (c: LabConfig): LabConfig => ({ ...c, sandbox: { ...c.sandbox, simulator: undefined } });

  before(async () => {
    sim = await startTestSim({ seed: 29 });
    await sim.advance(60_000);
    h = await engineOn(sim, withoutControlApi);
    config = h.sandbox.config;
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-gate-real-'));
    configFile = configWith(sim.files.config, work, { simulator: undefined });
    assert.doesNotMatch(fs.readFileSync(configFile, 'utf8'), /simulator/, 'no control API in the configuration the gate reads');
    await waitFor(() => h.health.snapshots.get().sources.every((s) => s.status !== 'connecting'), { what: 'the health service has connected to every source', timeoutMs: 10_000 });
  });
  after(async () => {
    await h?.stop();
    await sim?.stop();
    for (const dir of [work, h?.runsDir, sim?.stateDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('vault-seal walked by hand on it is counted by gate promote; an edited section makes it stale, naming both digests', async () => {
    assert.equal(h.sandbox.identity.simulated, false, 'the guard does not identify this sandbox as lab-sim');
    const drill = drillCatalog(config).find((d) => d.id === 'vault-seal')!;
    let stopOperating = () => {};
    const start = async () => {
      const d = await runDrill({ ...runbookFor(config, drill), runsDir: path.join(work, 'runs'), sandbox: h.sandbox.identity.name, autopilot: false, pollMs: 20 }, drillDeps(h.sandbox, h.health.snapshots));
      // The operator's answers at the keys (done, assist where the step has an action, confirm), as
      // the autopilot gives them; the drill itself was started without autopilot, as on a real sandbox.
      stopOperating = autopilot(d.run, d.section, 20);
      return d;
    };
    const { v } = await drillWithSimClock(start, sim, { timeoutMs: 60_000 });
    stopOperating();
    assert.equal(v.outcome, 'passed', v.reason);
    const { record } = recordOf(v.file);
    assert.deepEqual([record.simulated, record.autopilot, record.integrity], [false, false, { status: 'valid', sealed: true, tornLines: [] }], JSON.stringify(record));

    const gate = await runCli(['--config', configFile, 'gate', 'promote', '--change-class', 'vault', '--evidence-dir', work, '--json']);
    assert.equal(gate.code, 0, gate.stdout + gate.stderr);
    const verdict = JSON.parse(gate.stdout) as GateJson;
    assert.equal(verdict.ok, true);
    assert.ok(!verdict.countedSimulated, 'no simulated evidence counted');
    assert.deepEqual(verdict.ignored, []);
    assert.deepEqual(verdict.reliedOn.map((e) => [e.runId, e.sandbox, e.sectionDigest, e.outcome]), [[record.runId, record.sandbox, record.runbook.sectionDigest, 'passed']]);

    // The operator's runbooks change under the section the run followed: it must be rehearsed again.
    const followed = runbookFor(config, drill).runbook;
    const lines = fs.readFileSync(followed.file, 'utf8').split('\n');
    const heading = followed.sections.find((s) => s.id === drill.runbook.section)!.line;
    assert.match(lines[heading - 1] ?? '', /^## /, `the section's heading at ${followed.file}:${heading}`);
    lines.splice(heading, 0, '', 'Check the unseal quorum with the key holders first.');
    fs.writeFileSync(followed.file, lines.join('\n'));
    const now = runbookFor(config, drill).runbook.sections.find((s) => s.id === drill.runbook.section)!.digest;
    assert.notEqual(now, record.runbook.sectionDigest);
    const stale = await runCli(['--config', configFile, 'gate', 'promote', '--change-class', 'vault', '--evidence-dir', work, '--json']);
    assert.equal(stale.code, 1, stale.stdout + stale.stderr);
    const refused = JSON.parse(stale.stdout) as GateJson;
    assert.deepEqual(refused.reliedOn, []);
    assert.deepEqual(refused.ignored.map((i) => i.runId), [record.runId]);
    assert.match(refused.ignored[0]!.reason, new RegExp(`^stale runbook: run ${record.runId} followed section ${drill.runbook.section} at ${record.runbook.sectionDigest!.slice(0, 12)}, the section is now ${now.slice(0, 12)}: rehearse it again$`));
  });
});
