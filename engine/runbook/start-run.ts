import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EngineDeps } from './engine-deps.ts';
import { newRunId, openJournal, readJournal, type Journal } from './journal.ts';
import { runSection, type RunbookRun } from './runner.ts';
import { replay, resumePoint, type RunView } from './run-view.ts';
import { endLeftoverGroup } from './leftover-process.ts';
import type { Runbook, Section } from './types.ts';

export class RunError extends Error {
  override name = 'RunError';
}

export interface StartOptions {
  runbook: Runbook;
  /** Section id or title. */
  section: string;
  /** Where journals live: `<evidenceDir>/runs`. */
  dir: string;
  sandbox: string;
  paranoid?: boolean;
  /** Step id (`section/3`) or number to start at. */
  from?: string;
  pollMs?: number;
  now?: () => Date;
}

export function findSection(runbook: Runbook, wanted: string): Section {
  const s = runbook.sections.find((x) => x.id === wanted || x.title === wanted);
  if (!s) throw new RunError(`${runbook.file}: no section "${wanted}"; sections: ${runbook.sections.map((x) => x.id).join(', ')}`);
  if (!s.steps.length) throw new RunError(`${runbook.file}:${s.line}: section "${s.title}" has no steps`);
  return s;
}

function stepIndex(section: Section, from: string): number {
  const i = section.steps.findIndex((s) => s.id === from || String(s.number) === from || s.id === `${section.id}/${from}`);
  if (i === -1) throw new RunError(`--from ${from}: no such step in "${section.title}" (1-${section.steps.length} or ${section.steps[0]!.id}…)`);
  return i;
}

/** A run's journal, opened and started, before its first step: a drill injects its fault here. */
export interface OpenedRun {
  file: string;
  journal: Journal;
  /** Starts walking the steps; `keepJournalOpen` when the caller appends after the run (a drill). */
  walk(opts?: { keepJournalOpen?: boolean; beforeStep?: () => Promise<void> }): RunbookRun;
}

export function openRun(o: StartOptions, deps: EngineDeps): OpenedRun {
  const section = findSection(o.runbook, o.section);
  const start = o.from ? stepIndex(section, o.from) : 0;
  const now = o.now ?? (() => new Date());
  // Two runs started within the same second get distinct journals.
  let runId = newRunId(now(), section.id);
  for (let n = 2; fs.existsSync(path.join(o.dir, `${runId}.jsonl`)); n++) runId = `${newRunId(now(), section.id)}-${n}`;
  const file = path.join(o.dir, `${runId}.jsonl`);
  const journal = openJournal(file, { now, redact: (t: string) => deps.redactor.redact(t) });
  const started = journal.append({
    type: 'run-started',
    runId,
    runbook: o.runbook.file,
    digest: o.runbook.digest,
    section: section.id,
    sectionDigest: section.digest,
    sectionTitle: section.title,
    steps: section.steps.map((s) => ({ id: s.id, kind: s.kind, title: s.title })),
    mode: { paranoid: !!o.paranoid, ...(o.from ? { from: section.steps[start]!.id } : {}) },
    sandbox: o.sandbox,
    operator: os.userInfo().username,
    childEnv: deps.childEnv,
  });
  return { file, journal, walk: (w) => runSection(replay([started])!, start, { section, journal, paranoid: !!o.paranoid, pollMs: o.pollMs, keepJournalOpen: w?.keepJournalOpen, beforeStep: w?.beforeStep }, deps) };
}

export function startRun(o: StartOptions, deps: EngineDeps): { run: RunbookRun; file: string } {
  const opened = openRun(o, deps);
  return { run: opened.walk(), file: opened.file };
}

export interface ResumeOptions {
  file: string;
  /** Loads the runbook the run followed (its path is in the journal). */
  load(file: string): Runbook;
  pollMs?: number;
  now?: () => Date;
  /** The journal, already open, when the caller writes to it too and closes it (a resumed drill). */
  journal?: Journal;
}

/**
 * Continues a run where it stopped. A step that was running when lab-tui died is recorded as
 * aborted ("interrupted") and started again: every step-started in the journal gets an end.
 */
export async function resumeRun(o: ResumeOptions, deps: EngineDeps): Promise<{ run: RunbookRun; view: RunView; problems: string[] }> {
  const { records, problems } = readJournal(o.file);
  const first = records[0];
  if (first?.type !== 'run-started') throw new RunError(`${o.file}: not a run journal (no run-started record first)`);
  if (records.some((r) => r.type === 'run-finished')) throw new RunError(`${o.file}: run ${first.runId} already finished; start a new one`);
  const runbook = o.load(first.runbook);
  const section = findSection(runbook, first.section);
  const sameSteps = section.steps.length === first.steps.length && section.steps.every((s, i) => s.id === first.steps[i]!.id && s.kind === first.steps[i]!.kind);
  if (!sameSteps) throw new RunError(`${first.runbook}: section "${first.section}" changed since run ${first.runId} started; start a new run`);
  const journal = o.journal ?? openJournal(o.file, { now: o.now, redact: (t: string) => deps.redactor.redact(t) });
  let view = replay(records)!;
  const at = resumePoint(view);
  const interrupted = view.steps[at];
  const extra = [];
  if (interrupted && interrupted.status !== 'pending') {
    const startedAt = interrupted.startedAt ? Date.parse(interrupted.startedAt) : Date.now();
    const proc = records.findLast((r) => r.type === 'process-started' && r.step === interrupted.id);
    const ended = proc?.type === 'process-started' && (await endLeftoverGroup(proc.pid, proc.startTime));
    const reason = `interrupted: lab-tui stopped while the step ran${ended ? `; its leftover process group ${proc.pid} was ended` : ''}`;
    extra.push(journal.append({ type: 'step-finished', step: interrupted.id, status: 'aborted', durationMs: Date.now() - startedAt, reason }));
  }
  extra.push(journal.append({ type: 'run-resumed', atStep: interrupted?.id ?? section.steps.at(-1)!.id }));
  view = replay([...records, ...extra])!;
  const run = runSection(view, at, { section, journal, paranoid: first.mode.paranoid, pollMs: o.pollMs, keepJournalOpen: !!o.journal }, deps);
  return { run, view, problems: problems.map((p) => `${o.file}:${p.line}: ${p.message}`) };
}
