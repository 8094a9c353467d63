import path from 'node:path';
import type { Store } from '../common/store.ts';
import type { Drill } from '../drills/drill-types.ts';
import { activeGameday } from '../drills/gameday.ts';
import { cleanupMethod, injectionMethod } from '../drills/inject-fault.ts';
import { resumeDrill } from '../drills/resume-drill.ts';
import { runDrill, type DrillRun } from '../drills/run-drill.ts';
import { loadRunbook } from '../runbook/parse-runbook.ts';
import type { RunsController } from './runs-controller.ts';
import type { DeskOptions, DeskState } from './types.ts';

/** The drills on offer and at most one drill running, its walkthrough held by the runs controller. */
export class DrillsController {
  private drill: DrillRun | undefined;

  constructor(
    private readonly state: Store<DeskState>,
    private readonly opts: Pick<DeskOptions, 'drills' | 'runsDir' | 'sandbox' | 'pollMs'>,
    private readonly runs: RunsController,
    private readonly onFinished: () => void,
  ) {}

  /** Re-reads the catalogue, and says how each fault and cleanup will go on this sandbox. */
  refresh(): void {
    let drills: Drill[];
    try {
      drills = this.opts.drills?.list() ?? [];
    } catch (e) {
      // A broken drill file of the lab's own is named on screen; the cockpit stays up.
      return this.state.set((s) => ({ ...s, drills: [], error: (e as Error).message }));
    }
    const ports = this.opts.drills?.ports;
    const methods = ports && {
      injection: Object.fromEntries(drills.map((d) => [d.id, injectionMethod(d.fault, ports)])),
      cleanupMethods: Object.fromEntries(drills.map((d) => [d.id, d.cleanup.map((c) => cleanupMethod(c, ports))])),
    };
    this.state.set((s) => ({ ...s, drills, ...methods }));
  }

  async start(id: string, change: string | undefined): Promise<void> {
    const drills = this.opts.drills;
    if (!drills) return this.state.set((s) => ({ ...s, error: 'drills are not available here' }));
    if (this.runs.busy()) return this.state.set((s) => ({ ...s, error: 'a run is in progress: finish it first' }));
    try {
      const { drill, runbook } = drills.find(id);
      const gameday = activeGameday(path.dirname(this.opts.runsDir))?.id;
      this.follow(await runDrill({ drill, runbook, runsDir: this.opts.runsDir, sandbox: this.opts.sandbox, autopilot: false, change, gameday, pollMs: this.opts.pollMs }, drills.deps));
    } catch (e) {
      this.state.set((s) => ({ ...s, error: (e as Error).message }));
    }
  }

  /** `lab-tui resume` of a drill's journal: the drill the journal names, as the catalogue has it now. */
  async resume(file: string): Promise<void> {
    const drills = this.opts.drills;
    if (!drills) return this.state.set((s) => ({ ...s, error: 'drills are not available here' }));
    if (this.runs.busy()) return this.state.set((s) => ({ ...s, error: 'a run is in progress: finish it first' }));
    try {
      this.follow(await resumeDrill({ file, findDrill: (id) => drills.find(id).drill, load: loadRunbook, pollMs: this.opts.pollMs }, drills.deps));
    } catch (e) {
      this.state.set((s) => ({ ...s, error: (e as Error).message }));
    }
  }

  private follow(d: DrillRun): void {
    this.drill = d;
    this.runs.attach(d.run);
    const show = () => this.state.set((s) => ({ ...s, drill: d.view.get() }));
    const off = d.view.subscribe(show);
    show();
    void d.done.finally(() => {
      off();
      show();
      this.onFinished();
    });
  }

  /** A drill still recovering or cleaning up: its run stays on screen. */
  running(): boolean {
    const phase = this.drill?.view.get().phase;
    return phase !== undefined && phase !== 'finished' && phase !== 'left';
  }

  dismiss(): void {
    this.state.set((s) => ({ ...s, drill: undefined }));
  }

  /** Aborted, a drill is recorded as failed and its cleanup runs: a fault must not outlive the drill. */
  async abort(): Promise<void> {
    const d = this.drill;
    if (d && this.running()) await d.abort();
  }

  /** Left, a drill keeps its fault and gets no outcome: `lab-tui resume` takes it up. */
  async leave(): Promise<void> {
    const d = this.drill;
    if (d && this.running()) await d.leave();
  }
}
