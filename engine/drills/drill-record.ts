import { verifyJournalBytes, verifyJournalFile } from '../runbook/journal-chain.ts';
import fs from 'node:fs';
import { journalFiles, parseJournal, type JournalProblem } from '../runbook/journal.ts';
import type { DrillOutcome, JournalIntegrity, JournalRecord, TimeToRecover } from '../runbook/run-types.ts';

/** A drill run as the evidence trail, the reports and the promotion gate read it (from its journal). */
export interface DrillRecord {
  schema: 'lab-tui/drill-run@1';
  runId: string;
  drill: string;
  title: string;
  changeClass: string;
  change?: string;
  gameday?: string;
  sandbox: string;
  operator: string;
  autopilot: boolean;
  /** The guard identified the sandbox as lab-sim (recorded by the run, not passed by the user); runs before this was recorded count as simulated. */
  simulated: boolean;
  versions: Record<string, string>;
  runbook: { file: string; section: string; digest: string; sectionDigest?: string };
  startedAt: string;
  faultAt?: string;
  detectedAt?: string;
  acceptedAt?: string;
  finishedAt?: string;
  /** `running` while no outcome is recorded (a crashed or still running drill). */
  outcome: DrillOutcome | 'running';
  reason?: string;
  timeToRecover?: TimeToRecover;
  failedSteps: string[];
  skippedSteps: string[];
  improvised: string[];
  journal: string;
  /** The draft runbook PR proposed from this run, when there is one. */
  pr?: string;
  /** Lines of the journal that could not be read (a torn last line after a crash, tampering). */
  problems: string[];
  /** Whether the journal's hash chain holds: the gate trusts only valid, sealed journals. */
  integrity: JournalIntegrity;
}

/** `integrity`: the journal's check, when the caller already has its bytes; else the file is read for it. */
export function drillRecord(file: string, records: JournalRecord[], problems: string[] = [], integrity: JournalIntegrity = verifyJournalFile(file)): DrillRecord | undefined {
  const run = records.find((r) => r.type === 'run-started');
  const drill = records.find((r) => r.type === 'drill-started');
  if (run?.type !== 'run-started' || drill?.type !== 'drill-started') return undefined;
  const find = <T extends JournalRecord['type']>(t: T) => records.find((r) => r.type === t) as Extract<JournalRecord, { type: T }> | undefined;
  const finished = find('drill-finished');
  const pr = records.findLast((r): r is Extract<JournalRecord, { type: 'pr-proposed' }> => r.type === 'pr-proposed' && !!r.url);
  return {
    schema: 'lab-tui/drill-run@1',
    runId: run.runId,
    drill: drill.drill,
    title: drill.title,
    changeClass: drill.changeClass,
    ...(drill.change ? { change: drill.change } : {}),
    ...(drill.gameday ? { gameday: drill.gameday } : {}),
    sandbox: run.sandbox,
    operator: run.operator,
    autopilot: drill.autopilot,
    simulated: drill.simulated ?? true,
    versions: drill.versions,
    runbook: { file: run.runbook, section: run.section, digest: run.digest, ...(run.sectionDigest ? { sectionDigest: run.sectionDigest } : {}) },
    startedAt: run.at,
    faultAt: find('fault-injected')?.at,
    detectedAt: find('symptom-detected')?.at,
    acceptedAt: find('acceptance-met')?.at,
    finishedAt: finished?.at,
    outcome: finished?.outcome ?? 'running',
    ...(finished ? { reason: finished.reason } : {}),
    ...(finished?.timeToRecover ? { timeToRecover: finished.timeToRecover } : {}),
    failedSteps: finished?.failedSteps ?? [],
    skippedSteps: finished?.skippedSteps ?? [],
    improvised: finished?.improvised ?? records.flatMap((r) => (r.type === 'improvised' ? [r.text] : [])),
    journal: file,
    ...(pr?.url ? { pr: pr.url } : {}),
    problems,
    integrity,
  };
}

/**
 * One journal as a drill record, its file read once: the records and the hash chain come from the
 * same bytes. `record` is undefined when the journal is not a drill's.
 */
export function readDrillRecord(file: string): { record?: DrillRecord; records: JournalRecord[]; problems: JournalProblem[] } {
  const bytes = fs.readFileSync(file);
  const { records, problems } = parseJournal(bytes.toString('utf8'));
  return { record: drillRecord(file, records, problems.map((p) => `${file}:${p.line}: ${p.message}`), verifyJournalBytes(bytes)), records, problems };
}

/** Every drill run in the evidence directory, newest first; unreadable journals are reported, not dropped. */
export function listDrillRecords(runsDir: string): { records: DrillRecord[]; unreadable: { file: string; problem: string }[] } {
  const records: DrillRecord[] = [];
  const unreadable: { file: string; problem: string }[] = [];
  for (const file of journalFiles(runsDir)) {
    try {
      const { record, problems } = readDrillRecord(file);
      if (record) records.push(record);
      for (const p of problems) unreadable.push({ file, problem: `line ${p.line}: ${p.message}` });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EISDIR' || (e as NodeJS.ErrnoException).code === 'ENOENT') continue; // not a journal, or removed meanwhile
      unreadable.push({ file, problem: (e as Error).message });
    }
  }
  return { records: records.sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1)), unreadable };
}
