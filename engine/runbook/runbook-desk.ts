import fs from 'node:fs';
import path from 'node:path';
import { createStore, type Store } from '../common/store.ts';
import type { EngineDeps } from './engine-deps.ts';
import { listRuns } from './journal.ts';
import { loadRunbook } from './parse-runbook.ts';
import type { Intent, RunbookRun } from './runner.ts';
import type { RunView } from './run-view.ts';
import { resumeRun, startRun } from './start-run.ts';
import { findSection } from './start-run.ts';
import type { Runbook, Section } from './types.ts';
import type { DrillDeps } from '../drills/drill-deps.ts';
import type { Drill } from '../drills/drill-types.ts';
import { runDrill, type DrillRun, type DrillView } from '../drills/run-drill.ts';
import { listDrillRecords, type DrillRecord } from '../drills/drill-record.ts';
import { activeGameday } from '../drills/gameday.ts';
import { proposalFor, proposeRunbookPr, reword, type PrTarget } from '../pr/propose-pr.ts';
import type { RunbookEdit } from '../pr/types.ts';
import { GATE_NAMES, type GateName, type GateResult } from '../gates/gate-result.ts';
import { latestGateResults, saveGateResult } from '../gates/gate-store.ts';

export interface SectionEntry {
  file: string;
  runbook: string;
  section: string;
  title: string;
  steps: number;
  agentSteps: number;
  /** The newest run of this section: when and how it ended (running/interrupted when it has not). */
  lastRun?: { at: string; status: string; runId: string; file: string };
}

export interface DeskState {
  sections: SectionEntry[];
  /** Runbooks that do not parse: shown with their located errors instead of being skipped silently. */
  broken: { file: string; error: string }[];
  run?: RunView;
  /** The section the run follows, for the step's prose, command and checks. */
  section?: Section;
  /** The drill the run belongs to: fault, detection, acceptance, clock. */
  drill?: DrillView;
  /** The drills on offer and every drill run on record (newest first), for the Drills and Evidence screens. */
  drills: Drill[];
  evidence: DrillRecord[];
  /** Journals that could not be read whole: shown, never silently dropped. */
  unreadable: { file: string; problem: string }[];
  /** Runbook changes proposed from the finished run, under the operator's review. */
  proposal?: ProposalReview;
  /** The last result of each fidelity gate, and whether one is running now. */
  gates: GateResult[];
  gateRunning?: GateName;
  /** Why each gate this cockpit cannot run cannot (what to configure); a gate not named here can run. */
  unavailableGates: Partial<Record<GateName, string>>;
  /** The last thing that went wrong starting or resuming a run. */
  error?: string;
}

export interface ProposalReview {
  runFile: string;
  runId: string;
  edits: (RunbookEdit & { dropped: boolean })[];
  status: 'review' | 'proposing' | 'done' | 'failed';
  result?: { branch: string; url?: string; existed?: boolean; patch?: string; next?: string };
  error?: string;
}

/** What the Runbooks screen asks of the engine. */
export type DeskIntent =
  | { type: 'start'; file: string; section: string; from?: string; paranoid?: boolean }
  | { type: 'drill'; id: string; change?: string }
  | { type: 'propose' }
  | { type: 'pr-drop'; id: string }
  | { type: 'pr-reword'; id: string; text: string }
  | { type: 'pr-accept' }
  | { type: 'pr-close' }
  | { type: 'gate'; gate: GateName } | { type: 'resume'; file: string } | { type: 'dismiss' } | Intent;

export interface DeskOptions {
  /** Markdown runbooks: files, or directories whose `*.md` (README.md aside) are runbooks. */
  sources: string[];
  runsDir: string;
  sandbox: string;
  paranoid?: boolean;
  pollMs?: number;
  /** Drills, when the desk may run them: their deps and how to find one with its runbook. */
  drills?: { deps: DrillDeps; list(): Drill[]; find(id: string): { drill: Drill; runbook: Runbook } };
  /** Where runbook PRs go, when the desk may propose them. */
  pr?: () => PrTarget;
  /** The gates the desk may run, one at a time; results are kept with the evidence. */
  gates?: Partial<Record<GateName, () => Promise<GateResult>>>;
  /** For a gate that cannot run here, why and what to configure (shown instead of running it). */
  unavailableGates?: Partial<Record<GateName, string>>;
}

const NOT_HERE = 'not available in this cockpit yet';

/** Every gate without a runner gets a reason, so the screen never offers one that cannot run. */
function unavailableGates(opts: DeskOptions): Partial<Record<GateName, string>> {
  return Object.fromEntries(GATE_NAMES.filter((g) => !opts.gates?.[g]).map((g) => [g, opts.unavailableGates?.[g] ?? NOT_HERE]));
}

/** The runbooks of every source; a file name the lab's own repository has hides the shipped copy. */
function runbookFiles(sources: string[]): string[] {
  const seen = new Set<string>();
  return sources.flatMap((src) => {
    if (!fs.existsSync(src)) return [];
    if (!fs.statSync(src).isDirectory()) return [src];
    return fs
      .readdirSync(src)
      .filter((f) => f.endsWith('.md') && f.toLowerCase() !== 'readme.md')
      .sort()
      .filter((f) => !seen.has(f) && seen.add(f))
      .map((f) => path.join(src, f));
  });
}

/**
 * The engine side of the Runbooks screen: the catalogue of sections with their last rehearsal,
 * and at most one run in hand.
 */
export class RunbookDesk {
  readonly state: Store<DeskState>;
  private run: RunbookRun | undefined;
  private drill: DrillRun | undefined;
  private unsubscribe = () => {};

  constructor(
    private readonly opts: DeskOptions,
    private readonly deps: EngineDeps,
  ) {
    this.state = createStore<DeskState>({ sections: [], broken: [], drills: [], evidence: [], unreadable: [], gates: [], unavailableGates: unavailableGates(opts) });
    this.refresh();
  }

  /** Re-reads the runbooks and the journals. */
  refresh(): void {
    const runs = listRuns(this.opts.runsDir);
    const sections: SectionEntry[] = [];
    const broken: DeskState['broken'] = [];
    for (const file of runbookFiles(this.opts.sources)) {
      let rb: Runbook;
      try {
        rb = loadRunbook(file);
      } catch (e) {
        broken.push({ file, error: (e as Error).message });
        continue;
      }
      for (const s of rb.sections.filter((x) => x.steps.length)) {
        const last = runs.find((r) => r.started.runbook === rb.file && r.started.section === s.id);
        sections.push({
          file: rb.file,
          runbook: rb.title,
          section: s.id,
          title: s.title,
          steps: s.steps.length,
          agentSteps: s.steps.filter((x) => x.kind === 'AGENT').length,
          ...(last ? { lastRun: { at: last.started.at, status: last.finished?.status ?? 'interrupted', runId: last.runId, file: last.file } } : {}),
        });
      }
    }
    const evidence = listDrillRecords(this.opts.runsDir);
    const gates = latestGateResults(path.dirname(this.opts.runsDir));
    this.state.set((s) => ({ ...s, sections, broken, drills: this.opts.drills?.list() ?? [], evidence: evidence.records, unreadable: [...evidence.unreadable, ...gates.unreadable], gates: gates.results }));
  }

  send(intent: DeskIntent): void {
    void this.handle(intent);
  }

  private async handle(intent: DeskIntent): Promise<void> {
    if (intent.type === 'dismiss') {
      if (this.state.get().run?.phase.kind === 'finished' && (!this.drill || this.drill.view.get().phase === 'finished')) this.state.set((s) => ({ ...s, run: undefined, section: undefined, drill: undefined }));
      return;
    }
    if (intent.type === 'drill') return this.startDrill(intent.id, intent.change);
    if (intent.type === 'gate') return this.runGate(intent.gate);
    if (intent.type === 'propose' || intent.type === 'pr-drop' || intent.type === 'pr-reword' || intent.type === 'pr-accept' || intent.type === 'pr-close') return this.review(intent);
    if (intent.type === 'start' || intent.type === 'resume') {
      if (this.run && this.state.get().run?.phase.kind !== 'finished') return this.state.set((s) => ({ ...s, error: 'a run is in progress: finish it, or quit and `lab-tui resume` later' }));
      try {
        const started = intent.type === 'start' ? startRun({ runbook: loadRunbook(intent.file), section: intent.section, from: intent.from, dir: this.opts.runsDir, sandbox: this.opts.sandbox, paranoid: intent.paranoid ?? this.opts.paranoid, pollMs: this.opts.pollMs }, this.deps).run : (await resumeRun({ file: intent.file, load: loadRunbook, pollMs: this.opts.pollMs }, this.deps)).run;
        this.attach(started);
      } catch (e) {
        this.state.set((s) => ({ ...s, error: (e as Error).message }));
      }
      return;
    }
    this.run?.send(intent);
  }

  /** Shows a run started elsewhere (the `run` and `resume` commands). */
  attach(run: RunbookRun): void {
    this.unsubscribe();
    this.run = run;
    const v = run.view.get();
    const section = findSection(loadRunbook(v.runbook), v.section);
    const show = () => this.state.set((s) => ({ ...s, run: run.view.get(), section, error: undefined }));
    this.unsubscribe = run.view.subscribe(show);
    show();
    void run.done.then(() => this.refresh());
  }

  /** One gate at a time: they share the sandbox, and a second would race the first's reads. */
  private async runGate(gate: GateName): Promise<void> {
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
    this.refresh();
  }

  /** The operator reviews the proposed edits (drop, reword) before anything is pushed. */
  private async review(intent: DeskIntent): Promise<void> {
    const set = (p: Partial<ProposalReview> | undefined) => this.state.set((s) => ({ ...s, proposal: p && s.proposal ? { ...s.proposal, ...p } : (p as ProposalReview | undefined) }));
    const current = this.state.get().proposal;
    switch (intent.type) {
      case 'propose': {
        const run = this.state.get().run;
        const file = run && path.join(this.opts.runsDir, `${run.runId}.jsonl`);
        if (!run || !file) return;
        try {
          const { proposal } = proposalFor(file);
          set(undefined);
          this.state.set((s) => ({ ...s, proposal: { runFile: file, runId: run.runId, edits: proposal.edits.map((e) => ({ ...e, dropped: false })), status: 'review' } }));
        } catch (e) {
          this.state.set((s) => ({ ...s, error: (e as Error).message }));
        }
        return;
      }
      case 'pr-drop':
        return current && set({ edits: current.edits.map((e) => (e.id === intent.id ? { ...e, dropped: !e.dropped } : e)) });
      case 'pr-reword':
        return current && set({ edits: current.edits.map((e) => (e.id === intent.id ? { ...reword(e, intent.text), dropped: e.dropped } : e)) });
      case 'pr-close':
        return this.state.set((s) => ({ ...s, proposal: undefined }));
      case 'pr-accept': {
        if (!current || current.status === 'proposing' || !this.opts.pr) return;
        set({ status: 'proposing', error: undefined });
        try {
          const out = await proposeRunbookPr(current.runFile, this.opts.pr(), current.edits.filter((e) => !e.dropped).map(({ dropped, ...e }) => e));
          set({ status: 'done', result: { branch: out.branch, url: out.pr?.url, existed: out.pr?.existed, patch: out.patch, next: out.next } });
        } catch (e) {
          set({ status: 'failed', error: (e as Error).message });
        }
        this.refresh();
        return;
      }
    }
  }

  private async startDrill(id: string, change: string | undefined): Promise<void> {
    if (!this.opts.drills) return this.state.set((s) => ({ ...s, error: 'drills are not available here' }));
    if (this.run && this.state.get().run?.phase.kind !== 'finished') return this.state.set((s) => ({ ...s, error: 'a run is in progress: finish it first' }));
    try {
      const { drill, runbook } = this.opts.drills.find(id);
      const gameday = activeGameday(path.dirname(this.opts.runsDir))?.id;
      const d = await runDrill({ drill, runbook, runsDir: this.opts.runsDir, sandbox: this.opts.sandbox, autopilot: false, change, gameday, pollMs: this.opts.pollMs }, this.opts.drills.deps);
      this.drill = d;
      this.attach(d.run);
      const show = () => this.state.set((s) => ({ ...s, drill: d.view.get() }));
      const off = d.view.subscribe(show);
      show();
      void d.done.finally(() => {
        off();
        show();
        this.refresh();
      });
    } catch (e) {
      this.state.set((s) => ({ ...s, error: (e as Error).message }));
    }
  }

  /**
   * Leaves the cockpit: a run stops unfinished and stays resumable; a drill is aborted, so it
   * is recorded as failed and its cleanup runs (a fault must not outlive the drill).
   */
  async stop(): Promise<void> {
    this.unsubscribe();
    if (this.drill && this.drill.view.get().phase !== 'finished') await this.drill.abort();
    await this.run?.stop();
  }
}
