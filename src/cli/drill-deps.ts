import type { Store } from '../../engine/common/store.ts';
import type { DrillDeps } from '../../engine/drills/drill-deps.ts';
import type { Snapshot } from '../../engine/health/types.ts';
import { runCommand } from '../../engine/runbook/run-command.ts';
import { fillTemplate } from '../../engine/runbook/run-action.ts';
import type { Sandbox } from '../guard/sandbox.ts';
import { runbookDeps } from './runbook-deps.ts';
import { parityGate } from '../../engine/gates/parity.ts';
import { loadParityManifest } from '../../engine/gates/parity-manifest.ts';

/** Faults and their cleanup go through the guarded adapters (see inject). */
export function drillDeps(sandbox: Sandbox, snapshots: Store<Snapshot>): DrillDeps {
  const engine = runbookDeps(sandbox, snapshots);
  const power = sandbox.config.sandbox.power;
  const shell = async (template: string | undefined, node: string) => {
    if (!template) throw new Error('sandbox.power is not configured: power the node by hand');
    const r = await runCommand(sandbox.processes(), fillTemplate(template, { node }), { timeoutMs: 120_000, onLine: () => {}, redactor: engine.redactor });
    if (r.status !== 'ok') throw new Error(`power command for ${node} ${r.status}: ${r.tail}`);
  };
  const nodes = () => snapshots.get().nodes.map((n) => n.name);
  return {
    engine,
    async inject(kind, target) {
      // The real mechanism wherever there is one (lab-sim serves the same protocols); lab-sim's
      // control API only for what a sandbox does through tools lab-tui does not drive.
      switch (kind) {
        case 'node-stop':
          await shell(power?.stop, target!);
          return `sandbox.power.stop ${target}`;
        case 'vault-seal':
          await sandbox.vault()!.seal();
          return 'Vault sys/seal';
        case 'db-drop':
          await sandbox.postgres()!.mutate(`DROP DATABASE IF EXISTS "${String(target).replace(/"/g, '""')}" WITH (FORCE)`);
          return `DROP DATABASE ${target} WITH (FORCE)`;
      }
      const sim = sandbox.simulator();
      if (!sim) throw new Error(`fault ${kind} is not automated on a real sandbox yet: inject it by hand, then follow the runbook`);
      await sim.fault(kind, target);
      return `lab-sim control API: fault ${kind}${target ? ` ${target}` : ''}`;
    },
    async cleanup(kind, target) {
      const all = kind === 'power-restore' ? nodes() : [target!];
      for (const n of all) await shell(power?.start, n);
      return `sandbox.power.start ${all.join(', ')}`;
    },
    parity: () => parityGate(loadParityManifest(), { kube: () => sandbox.kube(), vault: () => sandbox.vault(), postgres: () => sandbox.postgres(), gitea: () => sandbox.gitea() }),
    versions() {
      const s = snapshots.get();
      const v: Record<string, string> = {};
      for (const n of s.nodes) v[`kubelet/${n.name}`] = n.kubelet;
      if (s.vault?.version) v.vault = s.vault.version;
      return v;
    },
  };
}
