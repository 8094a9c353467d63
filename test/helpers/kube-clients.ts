import { KubeConfig } from '@kubernetes/client-node';
import type { LabSim } from '../../engine/sim/index.ts';

// Separate from lab-sim.ts: @kubernetes/client-node takes ~2 s to import, so only the tests
// that use it pay for it.

/** client-node configured from the sim's kubeconfig, exactly as lab-tui would load it. */
export function kubeConfigFor(sim: LabSim): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(sim.files.kubeconfig);
  return kc;
}
