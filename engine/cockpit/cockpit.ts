import { drillAwaitingOutcome } from '../drills/resume-drill.ts';
import { createStore, type Store } from '../common/store.ts';
import type { EngineDeps } from '../runbook/engine-deps.ts';
import type { RunbookRun } from '../runbook/runner.ts';
import { DrillsController } from './drills-controller.ts';
import { EvidenceController } from './evidence-controller.ts';
import { GatesController, unavailableGates } from './gates-controller.ts';
import { ProposalsController } from './proposals-controller.ts';
import { RunsController } from './runs-controller.ts';
import type { DeskIntent, DeskOptions, DeskState } from './types.ts';

/**
 * The engine side of the cockpit: one state the screens render, one door for their intents,
 * each intent handed to the controller of its feature.
 */
export class Cockpit {
  readonly state: Store<DeskState>;
  private readonly runs: RunsController;
  private readonly drills: DrillsController;
  private readonly gates: GatesController;
  private readonly proposals: ProposalsController;
  private readonly evidence: EvidenceController;

  constructor(opts: DeskOptions, deps: EngineDeps) {
    this.state = createStore<DeskState>({ sections: [], broken: [], drills: [], evidence: [], unreadable: [], gates: [], unavailableGates: unavailableGates(opts) });
    // Whatever finishes (a run, a drill, a gate, a PR) leaves evidence behind: read it again.
    const refresh = () => this.refresh();
    this.evidence = new EvidenceController(this.state, opts);
    this.runs = new RunsController(this.state, opts, deps, refresh);
    this.drills = new DrillsController(this.state, opts, this.runs, refresh);
    this.gates = new GatesController(this.state, opts, refresh);
    this.proposals = new ProposalsController(this.state, opts, refresh);
    this.refresh();
  }

  /** Re-reads the runbooks, the drills and the evidence directory. */
  refresh(): void {
    this.evidence.refresh();
    this.drills.refresh();
  }

  send(intent: DeskIntent): void {
    void this.handle(intent);
  }

  private async handle(intent: DeskIntent): Promise<void> {
    switch (intent.type) {
      case 'start':
        return this.runs.start(intent);
      case 'resume':
        // A drill's journal without an outcome resumes the drill, its walkthrough with it.
        return drillAwaitingOutcome(intent.file) ? this.drills.resume(intent.file) : this.runs.start(intent);
      case 'drill':
        return this.drills.start(intent.id, intent.change);
      case 'gate':
        return this.gates.run(intent.gate);
      case 'propose':
      case 'pr-drop':
      case 'pr-reword':
      case 'pr-accept':
      case 'pr-close':
        return this.proposals.handle(intent);
      case 'report':
        return this.evidence.report(intent.run);
      case 'verify':
        return this.evidence.verify(intent.run);
      case 'timeline':
        return this.evidence.timeline(intent.run);
      case 'leave-drill':
        return this.drills.leave();
      case 'dismiss':
        return this.dismiss();
      default:
        return this.runs.send(intent);
    }
  }

  /** A finished run goes back to the catalogue, unless its drill is still cleaning up. */
  private dismiss(): void {
    if (!this.runs.finished() || this.drills.running()) return;
    this.runs.dismiss();
    this.drills.dismiss();
  }

  /** Shows a run started elsewhere (the `run` and `resume` commands). */
  attach(run: RunbookRun): void {
    this.runs.attach(run);
  }

  /**
   * Leaves the cockpit: a run stops unfinished and stays resumable; a drill is aborted, so it
   * is recorded as failed and its cleanup runs (a fault must not outlive the drill).
   */
  async stop(): Promise<void> {
    this.evidence.stopFollowing();
    this.runs.detach();
    await this.drills.abort();
    await this.runs.stop();
  }
}
