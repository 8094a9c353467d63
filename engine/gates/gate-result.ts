/** What every fidelity gate answers: printed by `lab-tui gate <name> [--json]`, shown on the Gates screen. */
export interface GateCheck {
  /** What was expected, e.g. `kubelet on pi1`, `resource aws_route53_record.www`. */
  name: string;
  expected: string;
  observed: string;
  ok: boolean;
  /** Extra lines for the operator (a diff, the task that changed). */
  detail?: string;
}

/** Every fidelity gate, in the order the Gates screen lists them. */
export const GATE_NAMES = ['parity', 'canary', 'idempotence', 'tofu-plan'] as const;
export type GateName = (typeof GATE_NAMES)[number];

export interface GateResult {
  schema: 'lab-tui/gate@1';
  gate: GateName;
  ok: boolean;
  /** One line: why it passed or what failed first. */
  summary: string;
  checks: GateCheck[];
  at: string;
}
