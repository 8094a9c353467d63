import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { verifyJournalFile } from '../../engine/runbook/journal-chain.ts';
import { runStarted as started } from '../helpers/journal-records.ts';
import { openJournal } from '../../engine/runbook/journal.ts';
import type { NewRecord } from '../../engine/runbook/run-types.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-chain-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;

const step = (i: number): NewRecord => ({ type: 'step-started', step: `vault-unseal/${i}`, kind: 'AGENT', title: `Step ${i}` });

/** A finished, sealed journal of a run-started, three steps and a run-finished. */
function sealedJournal(): string {
  const runId = `run-${++n}`;
  const file = path.join(root, `${runId}.jsonl`);
  const j = openJournal(file);
  j.append(started(runId));
  for (const i of [1, 2, 3]) j.append(step(i));
  j.append({ type: 'run-finished', status: 'passed', durationMs: 5 });
  j.seal();
  j.close();
  return file;
}
const lines = (file: string) => fs.readFileSync(file, 'utf8').split('\n').slice(0, -1);
const rewrite = (file: string, ls: string[]) => fs.writeFileSync(file, ls.map((l) => l + '\n').join(''));

describe('journal hash chain', () => {
  it('a sealed journal verifies, and each record names the hash of the line before it', () => {
    const file = sealedJournal();
    assert.deepEqual(verifyJournalFile(file), { status: 'valid', sealed: true, tornLines: [] });
    const records = lines(file).map((l) => JSON.parse(l) as { prev: string; type: string });
    assert.equal(new Set(records.map((r) => r.prev)).size, records.length);
    assert.equal(records.at(-1)!.type, 'journal-sealed');
  });

  it('an edited record breaks the chain at the next line', () => {
    const file = sealedJournal();
    const ls = lines(file);
    ls[2] = ls[2]!.replace('Step 2', 'Step 9');
    rewrite(file, ls);
    const v = verifyJournalFile(file);
    assert.equal(v.status, 'invalid');
    assert.equal(v.status === 'invalid' && v.line, 4);
    assert.match(v.status === 'invalid' ? v.reason : '', /line 3 was edited/);
  });

  for (const [kind, change, line] of [
    ['removed', (ls: string[]) => ls.filter((_, i) => i !== 2), 3],
    ['inserted', (ls: string[]) => [...ls.slice(0, 2), ls[1]!, ...ls.slice(2)], 3],
    ['reordered', (ls: string[]) => [ls[0]!, ls[2]!, ls[1]!, ...ls.slice(3)], 2],
  ] as const) {
    it(`a ${kind} record makes the journal invalid, naming the line`, () => {
      const file = sealedJournal();
      rewrite(file, change(lines(file)));
      const v = verifyJournalFile(file);
      assert.equal(v.status, 'invalid', JSON.stringify(v));
      assert.equal(v.status === 'invalid' && v.line, line);
    });
  }

  it('the last record before the seal cannot be edited unseen, nor the seal itself', () => {
    const file = sealedJournal();
    const ls = lines(file);
    rewrite(file, [...ls.slice(0, -2), ls.at(-2)!.replace('"passed"', '"failed"'), ls.at(-1)!]);
    assert.deepEqual(verifyJournalFile(file).status, 'invalid');
    const other = sealedJournal();
    const ls2 = lines(other);
    rewrite(other, [...ls2.slice(0, -1), ls2.at(-1)!.replace(/"digest":"[0-9a-f]/, '"digest":"x')]);
    assert.deepEqual(verifyJournalFile(other), { status: 'invalid', line: ls2.length, reason: 'the seal does not match the journal before it: a record was edited, removed, inserted or moved' });
  });

  it('dropping the seal and the records before it leaves an unsealed journal, which proves no finished run', () => {
    const file = sealedJournal();
    rewrite(file, lines(file).slice(0, -2));
    assert.deepEqual(verifyJournalFile(file), { status: 'valid', sealed: false, tornLines: [] });
  });

  it('a torn last line after a crash is reported and the journal is valid up to it; resuming chains over it', () => {
    const runId = `run-${++n}`;
    const file = path.join(root, `${runId}.jsonl`);
    const j = openJournal(file);
    j.append(started(runId));
    j.append(step(1));
    j.close();
    fs.appendFileSync(file, '{"seq":3,"at":"2026-');
    assert.deepEqual(verifyJournalFile(file), { status: 'valid', sealed: false, tornLines: [3] });
    const resumed = openJournal(file);
    resumed.append(step(2));
    resumed.append({ type: 'run-finished', status: 'passed', durationMs: 5 });
    resumed.seal();
    resumed.close();
    assert.deepEqual(verifyJournalFile(file), { status: 'valid', sealed: true, tornLines: [3] });
  });

  it('a record added after the seal (a PR proposed) is sealed again', () => {
    const file = sealedJournal();
    const j = openJournal(file);
    j.append({ type: 'pr-proposed', branch: 'runbook/x' });
    assert.deepEqual(verifyJournalFile(file), { status: 'valid', sealed: false, tornLines: [] });
    j.seal();
    j.close();
    assert.deepEqual(verifyJournalFile(file), { status: 'valid', sealed: true, tornLines: [] });
  });

  it('a journal written before hashing is unverifiable, never valid', () => {
    const file = path.join(root, 'old.jsonl');
    fs.writeFileSync(file, JSON.stringify({ seq: 1, at: '2026-11-01T00:00:00Z', type: 'run-started', runId: 'old' }) + '\n');
    assert.deepEqual(verifyJournalFile(file), { status: 'unverifiable', reason: 'written before hashing' });
  });
});
