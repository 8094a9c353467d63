import { createHash } from 'node:crypto';
import { atxHeading, isBlank, isIndented, orderedItem, splitLines } from '../runbook/markdown-lines.ts';
import { parseRunbook } from '../runbook/parse-runbook.ts';
import type { JournalRecord } from '../runbook/run-types.ts';
import type { Runbook, Section, Step } from '../runbook/types.ts';
import type { Proposal, RunbookEdit } from './types.ts';

type Improvised = Extract<JournalRecord, { type: 'improvised' }>;
type ImprovisedFinished = Extract<JournalRecord, { type: 'improvised-finished' }>;
type StepFinished = Extract<JournalRecord, { type: 'step-finished' }>;

/** Where a step's list item sits in the Markdown, and how its content is indented. */
interface Anchor {
  section: Section;
  step?: Step;
  /** 1-based line after which text goes. */
  afterLine: number;
  /** The anchor item's number and delimiter as written (`3` and `.`), to continue the same list. */
  number: number;
  delimiter: string;
  contentIndent: number;
}

/** An edit before ids are given, with what orders it in the file. */
type Draft = Omit<RunbookEdit, 'id'> & { seq: number };

/**
 * What a run teaches its runbook: each improvisation becomes a new step right after the step that
 * was in hand, and each failed or aborted step gets a note under it. Only ids, dates, the
 * improvised text and command, and step reasons/notes are copied from the journal (already
 * redacted): the rest of a record (operator, sandbox, output) never reaches a PR.
 * Throws when the journal has no run or does not match `runbookText`.
 */
export function proposeEdits(journal: JournalRecord[], runbookText: string, runbookFile: string): Proposal {
  const started = journal.find((r) => r.type === 'run-started');
  if (!started) throw new Error('the journal has no run-started record: nothing to propose from');
  // Anchors are line numbers in this exact text: another version would get edits in the wrong place.
  const digest = createHash('sha256').update(runbookText).digest('hex');
  if (digest !== started.digest)
    throw new Error(`${runbookFile}: not the version run ${started.runId} followed (sha256 ${digest.slice(0, 12)}, the run's ${started.digest.slice(0, 12)}): propose from the runbook at that version`);
  const runbook = parseRunbook(runbookFile, runbookText);
  const lines = splitLines(runbookText);
  const drill = journal.find((r) => r.type === 'drill-started')?.drill;
  const date = started.at.slice(0, 10);
  const during = drill ? `drill ${drill} on ${date} (run ${started.runId})` : `run ${started.runId} on ${date}`;

  const drafts: Draft[] = [];
  const outcomes = improvisationOutcomes(journal);
  /** Improvisations already placed after each anchor line, so the next one gets the next number. */
  const placed = new Map<number, number>();
  const reported = new Set<string>();
  for (const r of journal) {
    // A command the isolation guard refused never ran, and must not become a step to run.
    if (r.type === 'improvised' && outcomes.get(r)?.status !== 'refused') {
      const anchor = anchorOf(runbook, lines, r.step, runbookFile);
      const offset = (placed.get(anchor.afterLine) ?? 0) + 1;
      placed.set(anchor.afterLine, offset);
      drafts.push(improvisedStep(r, anchor, offset, outcomes.get(r), during, lines));
    } else if (r.type === 'step-finished' && (r.status === 'failed' || r.status === 'aborted')) {
      const detail = oneLine([r.reason, r.note].filter(Boolean).join('; '));
      // A step retried until it fails the same way again says nothing new the second time.
      const key = `${r.step}\0${r.status}\0${detail}`;
      if (reported.has(key)) continue;
      reported.add(key);
      drafts.push(failureNote(r, detail, anchorOf(runbook, lines, r.step, runbookFile), during, lines));
    }
  }

  // File order; at the same line a note goes first, or it would land under the inserted step.
  const kindOrder = (d: Draft): number => (d.kind === 'failure-note' ? 0 : 1);
  drafts.sort((a, b) => a.afterLine - b.afterLine || kindOrder(a) - kindOrder(b) || a.seq - b.seq);
  const counters = { 'improvised-step': 0, 'failure-note': 0 };
  const edits = drafts.map(({ seq: _seq, ...d }): RunbookEdit => {
    const n = ++counters[d.kind];
    return { id: `${d.kind === 'improvised-step' ? 'imp' : 'fail'}-${n}`, ...d };
  });
  return { runId: started.runId, ...(drill ? { drill } : {}), runbook: started.runbook, digest: started.digest, date, edits };
}

/** Pairs each improvisation that ran a command with its end, as the run view does. */
function improvisationOutcomes(journal: JournalRecord[]): Map<Improvised, ImprovisedFinished> {
  const outcomes = new Map<Improvised, ImprovisedFinished>();
  const open: Improvised[] = [];
  for (const r of journal) {
    if (r.type === 'improvised' && r.command) open.push(r);
    if (r.type === 'improvised-finished') {
      const i = open.findIndex((x) => x.step === r.step);
      if (i >= 0) outcomes.set(open.splice(i, 1)[0]!, r);
    }
  }
  return outcomes;
}

function improvisedStep(r: Improvised, anchor: Anchor, offset: number, end: ImprovisedFinished | undefined, during: string, lines: string[]): Draft {
  const command = r.command?.replace(/\r\n?/g, '\n').replace(/\s+$/, '');
  const kind = command ? 'AGENT' : 'HUMAN';
  // The parser refuses a step without a title; an empty improvisation still deserves review.
  const title = oneLine(r.text) || (command ? 'Run the improvised command' : 'Improvised action (describe it)');
  // Before the first step the new item may follow a paragraph, which only a `1.` item can interrupt.
  const number = anchor.step ? anchor.number + offset : offset;
  const marker = `${number}${anchor.delimiter}`;
  const pad = ' '.repeat(marker.length + 1);
  const outcome = !command ? '' : !end ? ': no end recorded' : end.exitCode !== undefined ? `: exit ${end.exitCode}` : `: ${end.status}`;
  const out = [`${marker} [${kind}] ${title}`];
  if (command) {
    // A fence longer than any backtick run in the command, so the command cannot close it.
    const fence = '`'.repeat(Math.max(3, ...[...command.matchAll(/`+/g)].map((m) => m[0].length + 1)));
    out.push(`${pad}${fence}sh`, ...command.split('\n').map((l) => (l ? pad + l : '')), `${pad}${fence}`);
  }
  out.push(`${pad}> Improvised during ${during}${outcome}.`);
  const where = anchor.step ? `after ${anchor.step.id}` : `before the first step of ${anchor.section.id}`;
  return {
    seq: r.seq,
    kind: 'improvised-step',
    section: anchor.section.id,
    ...(anchor.step ? { afterStep: anchor.step.id } : {}),
    afterLine: anchor.afterLine,
    markdown: withSeparator(out, anchor.afterLine, lines),
    summary: `New [${kind}] step ${where}: "${title}"${command ? ` (ran ${inlineCode(oneLine(command))}${outcome})` : ''}: the operator did it, the runbook did not say so.`,
  };
}

function failureNote(r: StepFinished, detail: string, anchor: Anchor, during: string, lines: string[]): Draft {
  const pad = ' '.repeat(anchor.contentIndent);
  const what = r.status === 'aborted' ? 'Aborted' : 'Failed';
  const out = [`${pad}> [!NOTE]`, `${pad}> ${what} during ${during}${detail ? `: ${detail}` : '.'}`];
  return {
    seq: r.seq,
    kind: 'failure-note',
    section: anchor.section.id,
    afterStep: r.step,
    afterLine: anchor.afterLine,
    markdown: withSeparator(out, anchor.afterLine, lines),
    summary: `Note under ${r.step}: ${r.status}${detail ? ` (${detail})` : ''}: the step needs a fix or a warning.`,
  };
}

/**
 * Finds the step (or, for a section id, the section) in the runbook. The anchor line is the last
 * non-blank line of the step's item: its text, fences and nested lists up to the next line at
 * column 0, so the inserted text comes before the blank line that separates items.
 */
function anchorOf(runbook: Runbook, lines: string[], id: string, file: string): Anchor {
  for (const section of runbook.sections) {
    // The runner names the section when no step was in hand: the text goes before its first step.
    if (section.id === id && section.steps[0]) {
      return { section, afterLine: section.steps[0].line - 1, number: 1, delimiter: delimiterAt(lines, section.steps[0].line), contentIndent: 3 };
    }
    const step = section.steps.find((s) => s.id === id);
    if (!step) continue;
    const head = orderedItem(lines[step.line - 1]!)!;
    let end = step.line;
    while (end < lines.length && (isBlank(lines[end]!) || isIndented(lines[end]!))) end++;
    while (end > step.line && isBlank(lines[end - 1]!)) end--;
    return { section, step, afterLine: end, number: Number.parseInt(head.marker, 10), delimiter: head.marker.slice(-1), contentIndent: head.contentIndent };
  }
  throw new Error(`${file}: the journal names step "${id}", which the runbook does not have`);
}

const delimiterAt = (lines: string[], line: number): string => orderedItem(lines[line - 1]!)?.marker.slice(-1) ?? '.';

/** Journal texts may hold newlines; a title or a note line must not (a newline would end it). */
const oneLine = (text: string | undefined): string => (text ?? '').replace(/\s+/g, ' ').trim();

/** A code span that a backtick inside the command cannot end. */
const inlineCode = (code: string): string => (code.includes('`') ? `\`\` ${code} \`\`` : `\`${code}\``);

/**
 * Appends a blank line when the line after the insertion is prose at column 0: right after the
 * inserted blockquote it would otherwise read as a lazy continuation of the quote.
 */
function withSeparator(out: string[], afterLine: number, lines: string[]): string {
  const next = lines[afterLine];
  const lazy = next !== undefined && !isBlank(next) && !isIndented(next) && !orderedItem(next) && !atxHeading(next);
  return [...out, ...(lazy ? [''] : [])].join('\n');
}
