import fs from 'node:fs';
import { createStore, type Store } from '../common/store.ts';
import { parseRecord, type JournalProblem } from './journal.ts';
import type { JournalRecord } from './run-types.ts';

export interface FollowOptions {
  /**
   * How often the file is checked besides fs.watch's events (which some file systems, NFS or
   * overlays, never send), and the only check when fs.watch is unavailable or `watch` is false.
   */
  pollMs?: number;
  /** Use fs.watch (default true); false leaves polling alone. */
  watch?: boolean;
}

export interface FollowedJournal {
  /** Every whole record so far, in file order; a new array each time records arrive. */
  records: Store<JournalRecord[]>;
  /** Whole lines that are not records (tampering, or a torn line the writer terminated on resume), with their line numbers. */
  problems: Store<JournalProblem[]>;
  stop(): void;
}

const NEWLINE = 0x0a;
const CHUNK = 64 * 1024;

/**
 * Follows a run journal another process is writing (`lab-tui watch` in a second terminal): reads
 * what is there, then what is appended. A line counts once its newline is on disk, so a record
 * being written (or torn by a crash) waits until it is whole. A missing file is waited for.
 */
export function followJournal(file: string, opts: FollowOptions = {}): FollowedJournal {
  const records = createStore<JournalRecord[]>([]);
  const problems = createStore<JournalProblem[]>([]);
  let offset = 0;
  let line = 0;
  /** Bytes after the last newline: the start of a record still being written. */
  let partial = Buffer.alloc(0);
  let stopped = false;

  const read = () => {
    if (stopped) return;
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      return; // not created yet, or moved away: the next check tries again
    }
    const chunks: Buffer[] = [partial];
    try {
      // A journal only grows; a smaller file was replaced, so read it from the start.
      if (fs.fstatSync(fd).size < offset) {
        offset = 0;
        line = 0;
        chunks.length = 0;
        records.set([]);
        problems.set([]);
      }
      for (;;) {
        const buf = Buffer.alloc(CHUNK);
        const n = fs.readSync(fd, buf, 0, CHUNK, offset);
        if (n === 0) break;
        chunks.push(buf.subarray(0, n));
        offset += n;
      }
    } finally {
      fs.closeSync(fd);
    }
    const bytes = Buffer.concat(chunks);
    const end = bytes.lastIndexOf(NEWLINE);
    partial = bytes.subarray(end + 1);
    if (end === -1) return;
    const added: JournalRecord[] = [];
    const bad: JournalProblem[] = [];
    // Split bytes, not text: a multi-byte character may straddle two reads, never a newline.
    for (const text of bytes.subarray(0, end).toString('utf8').split('\n')) {
      line++;
      if (!text.trim()) continue;
      const parsed = parseRecord(text);
      if (typeof parsed === 'string') bad.push({ line, message: parsed });
      else added.push(parsed);
    }
    if (added.length) records.set((prev) => [...prev, ...added]);
    if (bad.length) problems.set((prev) => [...prev, ...bad]);
  };

  let watcher: fs.FSWatcher | undefined;
  if (opts.watch !== false) {
    try {
      watcher = fs.watch(file, { persistent: false }, read);
      watcher.on('error', () => watcher?.close());
    } catch {
      watcher = undefined; // no file yet, or no inotify: polling alone
    }
  }
  const timer = setInterval(read, opts.pollMs ?? (watcher ? 1000 : 250));
  read();
  return {
    records,
    problems,
    stop() {
      stopped = true;
      clearInterval(timer);
      watcher?.close();
    },
  };
}
