import type { Store } from '../common/store.ts';
import type { EngineDeps } from '../runbook/engine-deps.ts';
import { loadRunbook } from '../runbook/parse-runbook.ts';
import type { Intent, RunbookRun } from '../runbook/runner.ts';
import { findSection, resumeRun, startRun } from '../runbook/start-run.ts';
import type { DeskIntent, DeskOptions, DeskState } from './types.ts';

type RunIntent = Extract<DeskIntent, { type: 'start' | 'resume' }>;

/** At most one runbook run in hand: started, resumed or attached, its view mirrored into the state. */
export class RunsController {
  private run: RunbookRun | undefined;
  private unsubscribe = () => {};

  constructor(
    private readonly state: Store<DeskState>,
    private readonly opts: Pick<DeskOptions, 'runsDir' | 'sandbox' | 'paranoid' | 'pollMs'>,
    private readonly deps: EngineDeps,
    private readonly onFinished: () => void,
  ) {}

  /** A run in hand that has not finished: nothing else may start meanwhile. */
  busy(): boolean {
    return !!this.run && this.state.get().run?.phase.kind !== 'finished';
  }

  async start(intent: RunIntent): Promise<void> {
    if (this.busy()) return this.state.set((s) => ({ ...s, error: 'a run is in progress: finish it, or quit and `lab-tui resume` later' }));
    try {
      const started =
        intent.type === 'start'
          ? startRun({ runbook: loadRunbook(intent.file), section: intent.section, from: intent.from, dir: this.opts.runsDir, sandbox: this.opts.sandbox, paranoid: intent.paranoid ?? this.opts.paranoid, pollMs: this.opts.pollMs }, this.deps).run
          : (await resumeRun({ file: intent.file, load: loadRunbook, pollMs: this.opts.pollMs }, this.deps)).run;
      this.attach(started);
    } catch (e) {
      this.state.set((s) => ({ ...s, error: (e as Error).message }));
    }
  }

  /** Shows a run started elsewhere (the `run` and `resume` commands, a drill). */
  attach(run: RunbookRun): void {
    this.unsubscribe();
    this.run = run;
    const v = run.view.get();
    const section = findSection(loadRunbook(v.runbook), v.section);
    const show = () => this.state.set((s) => ({ ...s, run: run.view.get(), section, error: undefined }));
    this.unsubscribe = run.view.subscribe(show);
    show();
    void run.done.then(() => this.onFinished());
  }

  /** The operator's answer to the step in hand. */
  send(intent: Intent): void {
    this.run?.send(intent);
  }

  finished(): boolean {
    return this.state.get().run?.phase.kind === 'finished';
  }

  /** Puts a finished run away (back to the catalogue). */
  dismiss(): void {
    this.state.set((s) => ({ ...s, run: undefined, section: undefined }));
  }

  /** Stops mirroring the run into the state: the cockpit is closing. */
  detach(): void {
    this.unsubscribe();
  }

  /** The run stops unfinished and stays resumable. */
  async stop(): Promise<void> {
    this.unsubscribe();
    await this.run?.stop();
  }
}
