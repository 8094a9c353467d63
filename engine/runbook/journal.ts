import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { chainSeed, sha256 } from './journal-chain.ts';
import type { JournalRecord, NewRecord } from './run-types.ts';

/**
 * The run journal on disk: JSONL, appended synchronously and fsynced, so a transition the screen
 * shows has already survived a `kill -9` or a power cut. One writer per file (the run); readers may
 * read at any time and see whole records plus, at worst, one torn last line. Each record is chained
 * to the line before it (journal-chain.ts), so what the evidence says cannot be changed unseen.
 */

export interface JournalOptions {
  /** The clock for `at`; tests inject one. */
  now?: () => Date;
  /**
   * Applied to every string value of a record before it is written: a last line of defence so a
   * secret a caller forgot to redact never reaches the disk.
   */
  redact?: (text: string) => string;
}

export interface JournalProblem {
  /** 1-based line number in the file. */
  line: number;
  message: string;
}

export type RunStartedRecord = Extract<JournalRecord, { type: 'run-started' }>;
export type RunFinishedRecord = Extract<JournalRecord, { type: 'run-finished' }>;

export interface RunSummary {
  runId: string;
  file: string;
  started: RunStartedRecord;
  finished?: RunFinishedRecord;
  lastSeq: number;
  mtime: Date;
  /** How many problems readJournal reported: a torn line after a crash, or tampering. */
  problems: number;
}

export class Journal {
  private fd: number | undefined;
  private seq: number;

  private constructor(
    readonly file: string,
    fd: number,
    lastSeq: number,
    /** sha256 of the last line: the next record's `prev`. */
    private prev: string,
    /** Every byte of the file so far, for the seal. */
    private readonly whole: Hash,
    private readonly options: JournalOptions,
  ) {
    this.fd = fd;
    this.seq = lastSeq;
  }

  /** Opens (creating if needed) a journal for appending; seq continues after the records already there. */
  static open(file: string, options: JournalOptions = {}): Journal {
    const dir = path.dirname(file);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const existed = fs.existsSync(file);
    const fd = fs.openSync(file, 'a', 0o600);
    try {
      // The mode above applies only on creation; a journal may hold operator notes, so tighten it anyway.
      fs.fchmodSync(fd, 0o600);
      const size = fs.fstatSync(fd).size;
      if (size > 0 && lastByte(file, size) !== 0x0a) {
        // A torn last line (killed mid-write): end it so the next record starts on its own line.
        // The torn line stays as evidence; readJournal reports it.
        writeAll(fd, Buffer.from('\n'));
        fs.fsyncSync(fd);
      }
      // A new file's name lives in the directory: sync that too, or a crash can lose the whole file.
      if (!existed) fsyncDir(dir);
      // Read after terminating: a record whose newline alone was lost is whole now and keeps its seq.
      const bytes = fs.readFileSync(file);
      const prev = bytes.length ? sha256(bytes.subarray(bytes.lastIndexOf(0x0a, bytes.length - 2) + 1, bytes.length - 1)) : chainSeed(path.basename(file, '.jsonl'));
      return new Journal(file, fd, maxSeq(parseJournal(bytes.toString('utf8')).records), prev, createHash('sha256').update(bytes), options);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Writes the record and returns only once it is on disk. */
  append(rec: NewRecord): JournalRecord {
    if (this.fd === undefined) throw new Error(`journal ${this.file} is closed`);
    const seq = this.seq + 1;
    const at = (this.options.now?.() ?? new Date()).toISOString();
    // seq and at first for people reading the file; assigned last so a caller's stray values lose.
    let record = Object.assign({ seq, at, prev: this.prev }, rec, { seq, at, prev: this.prev }) as JournalRecord;
    if (this.options.redact) record = { ...redactStrings(record, this.options.redact), prev: this.prev };
    const line = JSON.stringify(record);
    const bytes = Buffer.from(line + '\n');
    writeAll(this.fd, bytes);
    fs.fsyncSync(this.fd);
    this.whole.update(bytes);
    this.seq = seq;
    this.prev = sha256(line);
    return record;
  }

  /** Ends a finished run: the seal holds the hash of every byte before it. */
  seal(): JournalRecord {
    return this.append({ type: 'journal-sealed', digest: this.whole.copy().digest('hex') });
  }

  close(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

export function openJournal(file: string, options?: JournalOptions): Journal {
  return Journal.open(file, options);
}

/** Every whole record, and what is wrong with the rest; throws only when the file cannot be read. */
export function readJournal(file: string): { records: JournalRecord[]; problems: JournalProblem[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `journal not found: ${file}` : `cannot read journal ${file}: ${(err as Error).message}`);
  }
  return parseJournal(text);
}

/** A journal's text as readJournal reads it. */
export function parseJournal(text: string): { records: JournalRecord[]; problems: JournalProblem[] } {
  const records: JournalRecord[] = [];
  const problems: JournalProblem[] = [];
  const lines = text.split('\n');
  // After the final newline split leaves '': a line is only whole if a newline follows it.
  const torn = lines.pop() ?? '';
  let previous: number | undefined;
  lines.forEach((text, i) => {
    if (!text.trim()) return;
    const line = i + 1;
    const parsed = parseRecord(text);
    if (typeof parsed === 'string') {
      problems.push({ line, message: parsed });
      return;
    }
    const expected = previous === undefined ? 1 : previous + 1;
    if (parsed.seq !== expected) {
      const what = previous !== undefined && parsed.seq <= previous ? 'repeated or out of order' : 'gap';
      problems.push({ line, message: `seq ${what}: expected ${expected}, found ${parsed.seq}` });
    }
    previous = parsed.seq;
    records.push(parsed);
  });
  if (torn.trim()) problems.push({ line: lines.length + 1, message: 'torn last line (no newline): the writer stopped mid-record' });
  return { records, problems };
}

/** The journal files (`*.jsonl`) of a directory, by name; a missing directory has none. */
export function journalFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .filter((n) => n.endsWith('.jsonl'))
    .sort()
    .map((n) => path.join(dir, n));
}

/** Runs in a directory of journals, most recently written first; a missing directory has none. */
export function listRuns(dir: string): RunSummary[] {
  const runs: RunSummary[] = [];
  for (const file of journalFiles(dir)) {
    let stat: fs.Stats;
    let journal: ReturnType<typeof readJournal>;
    try {
      stat = fs.statSync(file);
      if (!stat.isFile()) continue;
      journal = readJournal(file);
    } catch {
      continue; // removed between readdir and read
    }
    const started = journal.records.find((r): r is RunStartedRecord => r.type === 'run-started');
    // Without its first record there is nothing to show or resume.
    if (!started) continue;
    const finished = journal.records.filter((r): r is RunFinishedRecord => r.type === 'run-finished').at(-1);
    runs.push({
      runId: started.runId,
      file,
      started,
      ...(finished ? { finished } : {}),
      lastSeq: maxSeq(journal.records),
      mtime: stat.mtime,
      problems: journal.problems.length,
    });
  }
  return runs.sort((a, b) => b.mtime.getTime() - a.mtime.getTime() || (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0));
}

/** `20261123T101112Z-vault-unseal`: sorts by start time and is safe as a file name. */
export function newRunId(now: Date, section: string): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
  const slug = section
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${stamp}-${slug || 'run'}`;
}

/** One line of a journal: the record, or why it is not one. */
export function parseRecord(text: string): JournalRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `unparsable line: ${(err as Error).message}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const r = value as Record<string, unknown>;
  if (typeof r.seq !== 'number' || !Number.isInteger(r.seq) || r.seq < 1) return 'record without a positive integer seq';
  if (typeof r.type !== 'string') return `record ${r.seq} without a type`;
  if (typeof r.at !== 'string') return `record ${r.seq} without a time (at)`;
  return value as JournalRecord;
}

function maxSeq(records: JournalRecord[]): number {
  return records.reduce((max, r) => Math.max(max, r.seq), 0);
}

function redactStrings<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactStrings(v, redact)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactStrings(v, redact)])) as T;
  }
  return value;
}

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
}

function lastByte(file: string, size: number): number | undefined {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1);
    return fs.readSync(fd, buf, 0, 1, size - 1) === 1 ? buf[0] : undefined;
  } finally {
    fs.closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
