import type { GateCheck, GateName } from '../../engine/gates/gate-result.ts';
import type { DeskState } from '../../engine/cockpit/types.ts';
import { localMinute } from '../shell/format.ts';

export interface GateLine {
  text: string;
  color?: string;
  dim?: boolean;
}

/** The same gate from a shell (CI, or with other files than the configured ones). */
const CLI: Record<GateName, string> = {
  parity: 'lab-tui gate parity [--manifest FILE]',
  canary: 'lab-tui gate canary [--manifest FILE] [--timeout SECONDS]',
  idempotence: 'lab-tui gate idempotence --playbook P [--inventory I] [--limit sandbox]',
  'tofu-plan': 'lab-tui gate tofu-plan --plan PLANFILE',
};

/** One row of the list: the gate, its state, when its last result was taken, and that result's summary. */
export function gateRow(desk: DeskState, gate: GateName): { cells: [string, string, string, string]; color: string } {
  const r = desk.gates.find((x) => x.gate === gate);
  const reason = desk.unavailableGates[gate];
  const state = desk.gateRunning === gate ? 'running…' : r ? (r.ok ? 'PASS' : 'FAIL') : 'never run';
  const summary = r?.summary ?? (reason ? `cannot run here: ${reason}` : '');
  const color = desk.gateRunning === gate ? 'cyan' : r ? (r.ok ? 'green' : 'red') : 'gray';
  return { cells: [gate, state, r ? localMinute(r.at) : '', summary], color };
}

const diffColor = (line: string) => (line.startsWith('+') ? 'green' : line.startsWith('-') ? 'red' : line.startsWith('@@') ? 'cyan' : undefined);

function checkLines(c: GateCheck): GateLine[] {
  const head = { text: `${c.ok ? '✓' : '✗'} ${c.name}: expected ${c.expected}, observed ${c.observed}`, color: c.ok ? 'green' : 'red' };
  if (c.ok || !c.detail) return [head];
  return [head, ...c.detail.split('\n').map((l) => ({ text: `    ${l}`, color: diffColor(l), dim: !diffColor(l) }))];
}

/**
 * Everything about one gate, for below the list: why it cannot run here, then its last result
 * with every check, the failing ones first with their details (diffs, the task that changed).
 */
export function gateDetails(desk: DeskState, gate: GateName): GateLine[] {
  const lines: GateLine[] = [];
  const reason = desk.unavailableGates[gate];
  if (reason) lines.push({ text: `${gate} cannot run here: ${reason}`, color: 'yellow' }, { text: `  or from a shell: ${CLI[gate]}`, dim: true });
  if (desk.gateRunning === gate) lines.push({ text: `${gate} is running…`, color: 'cyan' });
  const r = desk.gates.find((x) => x.gate === gate);
  if (!r) return reason ? lines : [...lines, { text: `${gate} has never run: enter runs it (or ${CLI[gate]})`, dim: true }];
  const failing = r.checks.filter((c) => !c.ok);
  lines.push({ text: `${r.ok ? 'PASS' : 'FAIL'} ${localMinute(r.at)}  ${r.summary}`, color: r.ok ? 'green' : 'red' });
  lines.push({ text: `${r.checks.length} check(s), ${failing.length} failing`, dim: true });
  return [...lines, ...failing.flatMap(checkLines), ...r.checks.filter((c) => c.ok).flatMap(checkLines)];
}
