import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createProcessRunner } from '../engine/adapters/process.ts';
import { createStore } from '../engine/common/store.ts';
import type { Snapshot } from '../engine/health/types.ts';
import type { EngineDeps } from '../engine/runbook/engine-deps.ts';
import { readJournal } from '../engine/runbook/journal.ts';
import { parseRunbook } from '../engine/runbook/parse-runbook.ts';
import { Redactor } from '../engine/runbook/redact.ts';
import { runCommand } from '../engine/runbook/run-command.ts';
import { startRun } from '../engine/runbook/start-run.ts';
import { summarize } from './stats.ts';
import { manifestPath } from '../engine/common/package-root.ts';
import { loadConfigFile } from '../src/config/load.ts';
import { scanCommand, vetCommand, type CommandFinding } from '../src/guard/command-scan.ts';
import { resolveProdIdentity } from '../src/guard/target-rules.ts';

export const name = 'runbook';

const STEPS = 50;
const TARGETS = { overheadPerAgentStepMs: 50 };
const COMMAND = 'echo step';

const snapshot: Snapshot = { schema: 'lab-tui/status@1', takenAt: new Date().toISOString(), sandbox: { name: 'bench', context: 'bench', server: 'http://127.0.0.1', simulated: true }, sources: [], nodes: [], components: [], volumes: [], apps: [], secrets: [], workloads: [], certificates: [], events: [] };

/** The guard's command scan as the product runs it, against the example configuration's deny-list. */
async function vetting() {
  const env = { HOME: os.tmpdir(), PATH: process.env.PATH };
  const prod = await resolveProdIdentity(loadConfigFile(manifestPath('config.example.yaml'), env), env);
  const first = (findings: CommandFinding[]) => findings[0] && { rule: findings[0].rule, reason: findings[0].reason };
  const refuse = (f: ReturnType<typeof first>) => {
    if (f) throw new Error(`refused: ${f.rule}`);
  };
  return {
    runner: { check: (c: string) => refuse(first(scanCommand(c, prod))), vet: async (c: string) => refuse(first(await vetCommand(c, prod))) },
    step: async (c: string) => first(await vetCommand(c, prod)),
  };
}

async function deps(): Promise<EngineDeps> {
  const vet = await vetting();
  const runner = createProcessRunner({ PATH: process.env.PATH ?? '', HOME: os.tmpdir() }, () => {}, vet.runner);
  const redactor = new Redactor();
  redactor.add('bench-secret-value');
  const unused = () => {
    throw new Error('not used by this benchmark');
  };
  return { kube: unused, vault: () => undefined, postgres: () => undefined, postgresPassword: () => undefined, processes: () => runner, vetCommand: vet.step, childEnv: { home: 'private', pass: [] }, recovery: {}, snapshot: createStore(snapshot).get, redactor };
}

/**
 * The engine's cost per [AGENT] step beyond the command itself: a run of STEPS `echo` steps,
 * each step's wall time (journal records, fsyncs, output batching, view updates, the guard's
 * command scan included)
 * minus the same command run bare through the same process runner.
 */
export async function run() {
  const d = await deps();
  const bare: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    const t = performance.now();
    await runCommand(d.processes(), COMMAND, { timeoutMs: 10_000, onLine: () => {}, redactor: d.redactor });
    bare.push(performance.now() - t);
  }
  const text = ['# Bench', '## Many steps', ...Array.from({ length: STEPS }, (_, i) => `${i + 1}. [AGENT] Step ${i + 1}\n   \`\`\`sh\n   ${COMMAND}\n   \`\`\``)].join('\n');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-runs-'));
  const started = performance.now();
  const { run: r, file } = startRun({ runbook: parseRunbook(path.join(dir, 'bench.md'), text), section: 'many-steps', dir, sandbox: 'bench' }, d);
  const view = await r.done;
  const totalMs = performance.now() - started;
  if (view.phase.kind !== 'finished' || view.phase.status !== 'passed') throw new Error(`bench run did not pass: ${JSON.stringify(view.phase)}`);
  const { records } = readJournal(file);
  const perStep = view.steps.map((s) => s.durationMs ?? NaN);
  const bareS = summarize(bare);
  const stepS = summarize(perStep);
  // Step-to-step time (what the operator waits between two steps), not only inside a step.
  const overheadMs = Math.round((totalMs / STEPS - bareS.median) * 100) / 100;
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    targets: TARGETS,
    steps: STEPS,
    command: COMMAND,
    bareCommandMs: bareS,
    stepWallMs: stepS,
    runWallMs: Math.round(totalMs),
    journalRecordsPerStep: Math.round((records.length / STEPS) * 10) / 10,
    overheadPerAgentStepMs: overheadMs,
    targetsMet: overheadMs < TARGETS.overheadPerAgentStepMs,
  };
}
