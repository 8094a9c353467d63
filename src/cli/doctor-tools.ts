import path from 'node:path';
import type { ToolNeed } from '../../engine/doctor/local-checks.ts';
import type { LabConfig } from '../config/types.ts';
import { segments } from '../guard/command-scan.ts';

/** Words that run the next word: the program is after them. */
const WRAPPERS = new Set(['sudo', 'env', 'exec', 'nohup', 'time', 'command', 'nice']);

/** The programs a shell template runs: each simple command's first word that is neither an assignment nor a wrapper. */
export function templatePrograms(template: string): string[] {
  return segments(template).flatMap((words) => {
    const program = words.find((w) => !/^[A-Za-z_]\w*=/.test(w) && !WRAPPERS.has(path.posix.basename(w)) && !/^-/.test(w));
    // A placeholder (`{command}`) is filled at run time: nothing to look for now.
    return program && !/^\{[\w.-]+\}$/.test(program) ? [program] : [];
  });
}

/** What each configured feature runs as a child process, by the configuration's names for it. */
export function toolNeeds(config: LabConfig): ToolNeed[] {
  const s = config.sandbox;
  const fromTemplate = (template: string | undefined, feature: string): ToolNeed[] => (template ? templatePrograms(template).map((tool) => ({ tool, feature })) : []);
  return [
    { tool: 'kubectl', feature: 'runbooks (their kubectl steps)' },
    ...(s.runbooks?.path || s.runbooks?.remote ? [{ tool: 'git', feature: 'sandbox.runbooks (runbook PRs)' }] : []),
    ...(s.gates.idempotence ? [{ tool: 'ansible-playbook', feature: 'sandbox.gates.idempotence' }] : []),
    // A binary plan is read through `tofu show -json`; JSON output needs no tofu.
    ...(s.gates.tofuPlan && !s.gates.tofuPlan.plan.toLowerCase().endsWith('.json') ? [{ tool: 'tofu', feature: 'sandbox.gates.tofuPlan (a binary plan)' }] : []),
    ...(s.backups.postgres && !s.recovery['postgres.restore'] ? [{ tool: 'pg_restore', feature: 'sandbox.backups.postgres (postgres.restore)' }] : []),
    ...fromTemplate(s.power?.stop, 'sandbox.power.stop'),
    ...fromTemplate(s.power?.start, 'sandbox.power.start'),
    ...Object.entries(s.recovery).flatMap(([tool, template]) => fromTemplate(template, `sandbox.recovery.${tool}`)),
    ...Object.entries(s.faults).flatMap(([kind, template]) => fromTemplate(template, `sandbox.faults.${kind}`)),
    // argocd-bad-sync pushes its broken commit with git, to sandbox.gitops.remote or the sandbox Gitea.
    ...(s.gitops?.remote || s.gitea ? [{ tool: 'git', feature: 'drills (argocd-bad-sync pushes with git)' }] : []),
  ];
}
