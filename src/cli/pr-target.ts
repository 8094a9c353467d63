import type { PrTarget } from '../../engine/pr/propose-pr.ts';
import type { Redactor } from '../../engine/runbook/redact.ts';
import type { Sandbox } from '../guard/sandbox.ts';

/** Where runbook PRs go, through the guard: the runbooks clone and remote, the forge, git as a guarded process. */
export function prTarget(sandbox: Sandbox, redactor: Redactor, base = 'main'): PrTarget {
  const { remote, forge } = sandbox.runbookForge();
  return { git: sandbox.processes(), repoDir: sandbox.config.sandbox.runbooks?.path, remote, base, forge, redactor, author: { name: 'lab-tui', email: 'lab-tui@sandbox.invalid' } };
}
