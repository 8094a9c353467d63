import { GuardRefusal } from '../guard/refusal.ts';
import type { Sandbox } from '../guard/sandbox.ts';
import { loadParityManifest } from '../../engine/gates/parity-manifest.ts';
import { startHealth, type HealthService } from '../../engine/health/health-service.ts';
import { giteaProbe, postgresProbe, vaultProbe, type Probe } from '../../engine/health/probes.ts';
import { stepcaProbe } from '../../engine/health/stepca-probe.ts';

/** Wires the guarded adapters into the health service; the TUI and `status` share it. */
export function startSandboxHealth(sandbox: Sandbox, onRefusal: (e: GuardRefusal) => void, opts: { pollMs?: number } = {}): HealthService {
  const vault = sandbox.vault();
  const gitea = sandbox.gitea();
  const pg = sandbox.postgres();
  const ca = sandbox.stepca();
  const probes: Probe[] = [vault && vaultProbe(vault), pg && postgresProbe(pg), gitea && giteaProbe(gitea), ca && stepcaProbe(ca, sandbox.resolved.stepca?.certificates, () => new Date())].filter((p): p is Probe => !!p);
  const health = startHealth({
    sandbox: sandbox.identity,
    connectKube: (reconnect) => sandbox.kube({ reconnect }),
    probes,
    expectedKubelet: loadParityManifest().kubernetes.version,
    isFatal: (e) => e instanceof GuardRefusal,
    onFatal: (e) => onRefusal(e as GuardRefusal),
    pollMs: opts.pollMs,
  });
  return {
    snapshots: health.snapshots,
    async stop() {
      await health.stop();
      await pg?.close();
    },
  };
}
