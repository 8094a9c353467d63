import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../common/store.ts';
import { listDrillRecords } from '../drills/drill-record.ts';
import { renderReport } from '../drills/report.ts';
import { buildTimeline } from '../drills/timeline.ts';
import { latestGateResults } from '../gates/gate-store.ts';
import { followJournal, type FollowedJournal } from '../runbook/follow-journal.ts';
import { verifyJournalFile } from '../runbook/journal-chain.ts';
import { listRuns, readJournal } from '../runbook/journal.ts';
import { sectionCatalogue } from './section-catalogue.ts';
import type { DeskOptions, DeskState } from './types.ts';

/** What the evidence directory says: the catalogue's last runs, drill records, gate results, reports. */
export class EvidenceController {
  private followed: FollowedJournal | undefined;
  private unfollow = () => {};

  constructor(
    private readonly state: Store<DeskState>,
    private readonly opts: Pick<DeskOptions, 'sources' | 'runsDir'>,
  ) {}

  private get evidenceDir(): string {
    return path.dirname(this.opts.runsDir);
  }

  /** Re-reads the runbooks and the journals; what cannot be read is listed, not dropped. */
  refresh(): void {
    const catalogue = sectionCatalogue(this.opts.sources, listRuns(this.opts.runsDir));
    const evidence = listDrillRecords(this.opts.runsDir);
    const gates = latestGateResults(this.evidenceDir);
    this.state.set((s) => ({ ...s, ...catalogue, evidence: evidence.records, unreadable: [...evidence.unreadable, ...gates.unreadable], gates: gates.results }));
  }

  /** Writes the report of one drill run (`run`: its journal) as `<evidenceDir>/reports/<runId>.md`. */
  report(run: string): void {
    const journal = path.resolve(this.opts.runsDir, run);
    try {
      const record = listDrillRecords(this.opts.runsDir).records.find((r) => path.resolve(r.journal) === journal);
      if (!record) throw new Error(`${run}: no drill run on record with this journal (only drill runs have a report)`);
      const timeline = buildTimeline(readJournal(record.journal).records);
      const md = renderReport([record], { lang: 'en', scope: `${record.drill} run ${record.runId}`, generatedAt: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC', ...(timeline ? { timelines: new Map([[record.runId, timeline]]) } : {}) });
      const file = path.join(this.evidenceDir, 'reports', `${record.runId}.md`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, md);
      this.state.set((s) => ({ ...s, report: { run, file }, error: undefined }));
    } catch (e) {
      this.state.set((s) => ({ ...s, error: (e as Error).message }));
    }
  }

  /** Checks the journal as it is on disk now; the run's record takes the result, so its mark follows. */
  verify(run: string): void {
    const file = path.resolve(this.opts.runsDir, run);
    const integrity = verifyJournalFile(file);
    this.state.set((s) => ({ ...s, verified: { run, runId: path.basename(file, '.jsonl'), integrity }, evidence: s.evidence.map((r) => (path.resolve(r.journal) === file ? { ...r, integrity } : r)), error: undefined }));
  }

  /** Follows the run's journal, so a running drill's timeline grows on screen; without `run`, stops. */
  timeline(run: string | undefined): void {
    this.stopFollowing();
    if (!run) return this.state.set((s) => ({ ...s, timeline: undefined }));
    const file = path.resolve(this.opts.runsDir, run);
    const followed = (this.followed = followJournal(file));
    const show = () => this.state.set((s) => ({ ...s, timeline: { run, timeline: buildTimeline(followed.records.get()) } }));
    this.unfollow = followed.records.subscribe(show);
    show();
  }

  stopFollowing(): void {
    this.unfollow();
    this.followed?.stop();
    this.followed = undefined;
  }
}
