import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LabSim } from '../../engine/sim/index.ts';
import type { HealthService } from '../../engine/health/health-service.ts';
import type { EngineDeps } from '../../engine/runbook/engine-deps.ts';
import { loadConfigFile } from '../../src/config/load.ts';
import { openSandbox, type Sandbox } from '../../src/guard/sandbox.ts';
import { runbookDeps, startSandboxHealth } from '../../src/cli/wiring.ts';
import type { LabConfig } from '../../src/config/types.ts';
import type { RunbookRun } from '../../engine/runbook/runner.ts';
import { waitFor } from './wait.ts';

export interface EngineHarness {
  sandbox: Sandbox;
  health: HealthService;
  deps: EngineDeps;
  runsDir: string;
  stop(): Promise<void>;
}

/** The runbook engine wired to a lab-sim through the guard, as the CLI wires it; `edit` adjusts the config. */
export async function engineOn(sim: LabSim, edit: (c: LabConfig) => LabConfig = (c) => c): Promise<EngineHarness> {
  const env = { PATH: process.env.PATH ?? '', HOME: os.homedir() };
  const config = edit(loadConfigFile(sim.files.config, env));
  const sandbox = await openSandbox(config, env);
  const health = startSandboxHealth(sandbox, (e) => {
    throw e;
  }, { pollMs: 100 });
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-runs-'));
  return { sandbox, health, deps: runbookDeps(sandbox, health.snapshots), runsDir, stop: () => health.stop() };
}

/** Waits for a condition on a run, advancing lab-sim's manual clock in 5 s steps while the engine verifies. */
export async function untilWithSimClock(run: RunbookRun, sim: LabSim, what: string, pred: () => boolean, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    async () => {
      if (pred()) return true;
      if (run.view.get().phase.kind === 'verifying') await sim.advance(5_000);
      return pred();
    },
    { what: `${what}; view: ${JSON.stringify({ phase: run.view.get().phase, notice: run.view.get().notice, steps: run.view.get().steps.map((s) => `${s.id} ${s.status} ${s.detail ?? ''}`) })}`, timeoutMs },
  );
}
