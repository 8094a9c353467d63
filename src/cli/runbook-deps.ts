import type { Store } from '../../engine/common/store.ts';
import type { Snapshot } from '../../engine/health/types.ts';
import type { EngineDeps } from '../../engine/runbook/engine-deps.ts';
import { Redactor } from '../../engine/runbook/redact.ts';
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
    recovery,
    power,
    postgresBackups: backups.postgres,
    snapshot: () => snapshots.get(),
    redactor,
  };
}
