import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { JournalIntegrity } from './run-types.ts';

/**
 * The journal's hash chain: each record carries the sha256 of the previous line's bytes (the first
 * one that of its run id), and a finished run ends with a seal holding the sha256 of every byte
 * before it. Editing, removing, inserting or reordering a record breaks the chain at the next line;
 * editing the last records of a sealed journal breaks the seal.
 */

export const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

/** The `prev` of a journal's first record. */
export const chainSeed = (runId: string): string => sha256(runId);

/** Checks a journal on disk; one that cannot be read proves nothing. */
export function verifyJournalFile(file: string): JournalIntegrity {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    return { status: 'unverifiable', reason: `cannot read ${file}: ${(e as Error).message}` };
  }
  return verifyJournalBytes(bytes);
}

/** Checks a journal's bytes; the line numbers are 1-based, as an editor shows them. */
export function verifyJournalBytes(bytes: Buffer): JournalIntegrity {
  const lines = splitLines(bytes);
  const tornLines: number[] = [];
  let expected: string | undefined;
  let sealed = false;
  let hashed = 0;
  let offset = 0;
  for (const [i, line] of lines.entries()) {
    const n = i + 1;
    const whole = i < lines.length - 1 || bytes[bytes.length - 1] === 0x0a;
    const start = offset;
    offset += line.length + 1;
    const record = parse(line);
    if (!record) {
      // A line cut short by a crash: the writer chains the next record over it, as it stands.
      if (line.length) tornLines.push(n);
      if (whole) expected = sha256(line);
      sealed = false;
      continue;
    }
    if (typeof record.prev !== 'string') {
      if (n === 1) return { status: 'unverifiable', reason: 'written before hashing' };
      return { status: 'invalid', line: n, reason: 'record without the hash of the previous line: inserted, or the chain was cut' };
    }
    if (expected === undefined) {
      if (record.type !== 'run-started' || typeof record.runId !== 'string') return { status: 'invalid', line: n, reason: 'the journal does not begin with its run-started record' };
      expected = chainSeed(record.runId);
    }
    if (record.prev !== expected) {
      return { status: 'invalid', line: n, reason: n === 1 ? 'the first record is not chained to its run id' : `the chain breaks here: line ${n - 1} was edited, or a line before this one was removed, inserted or moved` };
    }
    if (record.type === 'journal-sealed' && record.digest !== sha256(bytes.subarray(0, start))) {
      return { status: 'invalid', line: n, reason: 'the seal does not match the journal before it: a record was edited, removed, inserted or moved' };
    }
    sealed = record.type === 'journal-sealed';
    hashed++;
    expected = sha256(line);
  }
  if (!hashed && !tornLines.length) return { status: 'unverifiable', reason: 'empty journal' };
  return { status: 'valid', sealed, tornLines };
}

function splitLines(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, start)) {
    lines.push(bytes.subarray(start, i));
    start = i + 1;
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return lines;
}

function parse(line: Buffer): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(line.toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { type?: unknown }).type === 'string' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A journal's integrity in a few words, as the Evidence screen, the reports and `evidence verify` show it. */
export function describeIntegrity(i: JournalIntegrity): string {
  if (i.status === 'invalid') return `INVALID at line ${i.line}: ${i.reason}`;
  if (i.status === 'unverifiable') return `unverifiable (${i.reason})`;
  const torn = i.tornLines.length ? `; torn line ${i.tornLines.join(', ')} (a crash), valid around it` : '';
  return `${i.sealed ? 'valid, sealed' : 'valid, not sealed (running, or crashed)'}${torn}`;
}
