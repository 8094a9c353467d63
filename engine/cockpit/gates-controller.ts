import path from 'node:path';
import type { Store } from '../common/store.ts';
import { GATE_NAMES, type GateName } from '../gates/gate-result.ts';
import { saveGateResult } from '../gates/gate-store.ts';
import type { DeskOptions, DeskState } from './types.ts';

const NOT_HERE = 'not available in this cockpit yet';

/** Every gate without a runner gets a reason, so the screen never offers one that cannot run. */
export function unavailableGates(opts: Pick<DeskOptions, 'gates' | 'unavailableGates'>): Partial<Record<GateName, string>> {
  return Object.fromEntries(GATE_NAMES.filter((g) => !opts.gates?.[g]).map((g) => [g, opts.unavailableGates?.[g] ?? NOT_HERE]));
}

/** The fidelity gates of the Gates screen; each result is kept with the evidence. */
export class GatesController {
  constructor(
    private readonly state: Store<DeskState>,
    private readonly opts: Pick<DeskOptions, 'gates' | 'runsDir'>,
    private readonly onResult: () => void,
  ) {}

  /** One gate at a time: they share the sandbox, and a second would race the first's reads. */
  async run(gate: GateName): Promise<void> {
    const run = this.opts.gates?.[gate];
    const { gateRunning, unavailableGates } = this.state.get();
    if (!run) return this.state.set((s) => ({ ...s, error: `${gate} gate: ${unavailableGates[gate]}` }));
    if (gateRunning) return this.state.set((s) => ({ ...s, error: `the ${gateRunning} gate is running: one gate at a time` }));
    this.state.set((s) => ({ ...s, gateRunning: gate, error: undefined }));
    try {
      saveGateResult(path.dirname(this.opts.runsDir), await run());
    } catch (e) {
      const message = (e as Error).message;
      this.state.set((s) => ({ ...s, error: message.startsWith(`${gate} gate`) ? message : `${gate} gate: ${message}` }));
    }
    this.state.set((s) => ({ ...s, gateRunning: undefined }));
    this.onResult();
  }
}
