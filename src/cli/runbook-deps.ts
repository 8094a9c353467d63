import type { Store } from '../../engine/common/store.ts';
import type { Snapshot } from '../../engine/health/types.ts';
import type { EngineDeps } from '../../engine/runbook/engine-deps.ts';
import { Redactor } from '../../engine/runbook/redact.ts';
import { GuardRefusal } from '../guard/refusal.ts';
import type { Sandbox } from '../guard/sandbox.ts';

/** The runbook engine's view of a guarded sandbox; the redactor knows every secret lab-tui can read. */
export function runbookDeps(sandbox: Sandbox, snapshots: Store<Snapshot>): EngineDeps {
  const redactor = new Redactor();
  for (const secret of sandbox.secretValues()) redactor.add(secret);
  const { recovery, backups, power } = sandbox.config.sandbox;
  return {
    kube: () => sandbox.kube(),
    vault: () => sandbox.vault(),
    postgres: () => sandbox.postgres(),
    postgresPassword: () => sandbox.postgresPassword(),
    processes: () => sandbox.processes(),
    async vetCommand(command) {
      try {
        await sandbox.vetCommand(command, 'runbook command');
        return undefined;
      } catch (e) {
        if (e instanceof GuardRefusal) return { rule: e.refusal.rule, reason: e.refusal.reason };
        throw e;
      }
    },
    childEnv: sandbox.config.sandbox.childEnv,
    recovery,
    power,
    postgresBackups: backups.postgres,
    snapshot: () => snapshots.get(),
    redactor,
  };
}
