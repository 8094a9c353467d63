/** Why the isolation guard refused a target; rendered by the CLI (exit 3) and the TUI banner. */
export interface Refusal {
  /** What was about to be contacted, e.g. `kubernetes context "prod" → https://10.0.0.1:6443`. */
  target: string;
  /** Stable rule id, e.g. `prod.servers`, `env.VAULT_ADDR`, `marker.kubernetes`. */
  rule: string;
  reason: string;
  fix: string;
  /** The configuration field that named the target, when one did (`sandbox.vault.address`). */
  field?: string;
}

export class GuardRefusal extends Error {
  constructor(readonly refusal: Refusal) {
    super(`refused ${refusal.target}: ${refusal.reason}`);
    this.name = 'GuardRefusal';
  }
}

export function refuse(target: string, rule: string, reason: string, fix: string): never {
  throw new GuardRefusal({ target, rule, reason, fix });
}

export function formatRefusal(r: Refusal): string {
  return [`lab-tui refused to contact ${r.target}`, `  rule:   ${r.rule}`, `  reason: ${r.reason}`, `  fix:    ${r.fix}`].join('\n');
}
