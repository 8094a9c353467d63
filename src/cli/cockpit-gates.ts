import type { GateResult } from '../../engine/gates/gate-result.ts';
import type { DeskOptions } from '../../engine/runbook/runbook-desk.ts';
import type { Sandbox } from '../guard/sandbox.ts';
import { runCanaryGate } from './canary-run.ts';
import { missingZone, runIdempotenceGate, runTofuPlanGate } from './gate-runs.ts';

/**
 * The gates the Gates screen can run with this configuration (`sandbox.gates`), and for the
 * others what to configure. A gate left out of both is shown as not available in the cockpit.
 */
export function cockpitGates(sandbox: Sandbox, parity: (() => Promise<GateResult>) | undefined): Required<Pick<DeskOptions, 'gates' | 'unavailableGates'>> {
  const { file, sandbox: s } = sandbox.config;
  const gates: DeskOptions['gates'] & {} = parity ? { parity } : {};
  const unavailableGates: DeskOptions['unavailableGates'] & {} = {};

  const idempotence = s.gates.idempotence;
  if (idempotence) gates.idempotence = () => runIdempotenceGate(sandbox, idempotence);
  else unavailableGates.idempotence = `set sandbox.gates.idempotence.playbook (and inventory, limit) in ${file}`;

  const plan = s.gates.tofuPlan?.plan;
  const noZone = missingZone(sandbox.config);
  if (noZone) unavailableGates['tofu-plan'] = noZone;
  else if (!plan) unavailableGates['tofu-plan'] = `set sandbox.gates.tofuPlan.plan (a plan file, or \`tofu show -json\` output) in ${file}`;
  else gates['tofu-plan'] = () => runTofuPlanGate(sandbox, plan);

  gates.canary = () => runCanaryGate(sandbox);
  return { gates, unavailableGates };
}
