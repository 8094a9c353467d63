import fs from 'node:fs';
import path from 'node:path';
import type { GateResult } from '../../engine/gates/gate-result.ts';
import { idempotenceGate } from '../../engine/gates/idempotence.ts';
import { readPlan, tofuPlanGate } from '../../engine/gates/tofu-plan.ts';
import type { LabConfig } from '../config/types.ts';
import type { Sandbox } from '../guard/sandbox.ts';
import { UsageError } from './exit-codes.ts';

/** The gates that need a file, run the same way by `lab-tui gate …` and by the cockpit's Gates screen. */

export interface IdempotenceInput {
  playbook: string;
  inventory?: string;
  limit?: string;
}

/** `ansible-playbook --check --diff` as a guarded child process. */
export async function runIdempotenceGate(sandbox: Sandbox, input: IdempotenceInput): Promise<GateResult> {
  if (!fs.existsSync(input.playbook)) throw new UsageError(`playbook ${input.playbook} not found`);
  return idempotenceGate({ runner: sandbox.processes(), playbook: path.resolve(input.playbook), inventory: input.inventory, limit: input.limit });
}

/** Why the tofu-plan gate cannot judge a plan here: without the throwaway zone every change would be "outside". */
export function missingZone(config: LabConfig): string | undefined {
  return config.sandbox.dns?.zone ? undefined : `set sandbox.dns.zone (the throwaway zone) in ${config.file}`;
}

/** The plan's changes against `sandbox.dns.zone`; an unreadable plan is a usage error, not a failed gate. */
export async function runTofuPlanGate(sandbox: Sandbox, file: string): Promise<GateResult> {
  const zone = sandbox.config.sandbox.dns?.zone;
  if (!zone) throw new UsageError(`gate tofu-plan needs the throwaway zone: ${missingZone(sandbox.config)}`);
  let plan: unknown;
  try {
    plan = await readPlan(file, sandbox.processes());
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return tofuPlanGate(plan, zone);
}
