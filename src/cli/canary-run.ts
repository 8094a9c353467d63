import { setTimeout as sleep } from 'node:timers/promises';
import { canaryGate } from '../../engine/gates/canary/canary-gate.ts';
import { loadCanaryManifest } from '../../engine/gates/canary/canary-manifest.ts';
import type { GateResult } from '../../engine/gates/gate-result.ts';
import type { Sandbox } from '../guard/sandbox.ts';

/** How long each link may take to resolve by default: a pod start with image pull on the Pis. */
const DEFAULT_LINK_TIMEOUT_S = 120;

/** The canary gate through the guarded adapters, on the wall clock; shared by the CLI and the cockpit. */
export async function runCanaryGate(sandbox: Sandbox, opts: { manifest?: string; timeoutSeconds?: number; signal?: AbortSignal } = {}): Promise<GateResult> {
  const conf = sandbox.config.sandbox.gates.canary;
  const manifest = loadCanaryManifest(opts.manifest ?? conf?.manifest);
  try {
    return await canaryGate(
      { kube: () => sandbox.kube(), vault: () => sandbox.vault(), postgres: () => sandbox.postgres(), gitea: () => sandbox.gitea(), now: Date.now, sleep: (ms) => sleep(ms), signal: opts.signal },
      manifest,
      { timeoutMs: (opts.timeoutSeconds ?? conf?.timeoutSeconds ?? DEFAULT_LINK_TIMEOUT_S) * 1000 },
    );
  } finally {
    await sandbox.postgres()?.close();
  }
}
