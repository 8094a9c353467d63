import path from 'node:path';
import type { Store } from '../common/store.ts';
import { proposalFor, proposeRunbookPr, reword } from '../pr/propose-pr.ts';
import { readJournal } from '../runbook/journal.ts';
import type { DeskIntent, DeskOptions, DeskState, ProposalReview } from './types.ts';

export type ProposalIntent = Extract<DeskIntent, { type: 'propose' | 'pr-drop' | 'pr-reword' | 'pr-accept' | 'pr-close' }>;

/** A run's runbook changes under the operator's review (drop, reword) before anything is pushed. */
export class ProposalsController {
  constructor(
    private readonly state: Store<DeskState>,
    private readonly opts: Pick<DeskOptions, 'runsDir' | 'pr'>,
    private readonly onProposed: () => void,
  ) {}

  private update(p: Partial<ProposalReview>): void {
    this.state.set((s) => (s.proposal ? { ...s, proposal: { ...s.proposal, ...p } } : s));
  }

  async handle(intent: ProposalIntent): Promise<void> {
    const current = this.state.get().proposal;
    switch (intent.type) {
      case 'propose':
        return this.review(intent.run);
      case 'pr-drop':
        return current && this.update({ edits: current.edits.map((e) => (e.id === intent.id ? { ...e, dropped: !e.dropped } : e)) });
      case 'pr-reword':
        return current && this.update({ edits: current.edits.map((e) => (e.id === intent.id ? { ...reword(e, intent.text), dropped: e.dropped } : e)) });
      case 'pr-close':
        return this.state.set((s) => ({ ...s, proposal: undefined }));
      case 'pr-accept':
        return this.accept();
    }
  }

  /** The journal to propose from: the one named, else the run in hand's. */
  private journal(run: string | undefined): string | undefined {
    if (run) return path.resolve(this.opts.runsDir, run);
    const inHand = this.state.get().run;
    return inHand && path.join(this.opts.runsDir, `${inHand.runId}.jsonl`);
  }

  private review(run: string | undefined): void {
    const file = this.journal(run);
    if (!file) return;
    try {
      // A run still going would keep adding steps the proposal does not have.
      if (run && !readJournal(file).records.some((r) => r.type === 'run-finished')) throw new Error(`${run}: the run has not finished: finish it (\`lab-tui resume\`) before proposing its changes`);
      const { proposal } = proposalFor(file);
      this.state.set((s) => ({ ...s, proposal: { runFile: file, runId: proposal.runId, edits: proposal.edits.map((e) => ({ ...e, dropped: false })), status: 'review' } }));
    } catch (e) {
      this.state.set((s) => ({ ...s, error: (e as Error).message }));
    }
  }

  private async accept(): Promise<void> {
    const current = this.state.get().proposal;
    if (!current || current.status === 'proposing' || !this.opts.pr) return;
    this.update({ status: 'proposing', error: undefined });
    try {
      const out = await proposeRunbookPr(current.runFile, this.opts.pr(), current.edits.filter((e) => !e.dropped).map(({ dropped, ...e }) => e));
      this.update({ status: 'done', result: { branch: out.branch, url: out.pr?.url, existed: out.pr?.existed, patch: out.patch, next: out.next } });
    } catch (e) {
      this.update({ status: 'failed', error: (e as Error).message });
    }
    this.onProposed();
  }
}
