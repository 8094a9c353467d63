import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { chainSeed } from '../../engine/runbook/journal-chain.ts';
import { listRuns, newRunId, openJournal, readJournal } from '../../engine/runbook/journal.ts';
import { Redactor } from '../../engine/runbook/redact.ts';
import type { NewRecord } from '../../engine/runbook/run-types.ts';
import { runStarted as started } from '../helpers/journal-records.ts';
import { waitFor } from '../helpers/wait.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-journal-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshFile = () => path.join(root, `case-${++n}`, 'runs', 'run.jsonl');

const stepStarted: NewRecord = { type: 'step-started', step: 'vault-unseal/1', kind: 'AGENT', title: 'Unseal' };
const finished: NewRecord = { type: 'run-finished', status: 'passed', durationMs: 5 };

describe('Journal', () => {
  it('assigns seq and at, and continues seq after reopening', () => {
    const file = freshFile();
    let t = Date.UTC(2026, 10, 23, 10, 11, 12);
    const now = () => new Date(t++);
    const first = openJournal(file, { now });
    assert.deepEqual(first.append(started('r1')), { seq: 1, at: '2026-11-23T10:11:12.000Z', prev: chainSeed('run'), ...started('r1') });
    assert.equal(first.append(stepStarted).seq, 2);
    first.close();

    const again = openJournal(file, { now });
    assert.equal(again.lastSeq, 2);
    const third = again.append(finished);
    again.close();
    assert.equal(third.seq, 3);
    assert.equal(third.at, '2026-11-23T10:11:12.002Z');
    const { records, problems } = readJournal(file);
    assert.deepEqual(problems, []);
    assert.deepEqual(records.map((r) => [r.seq, r.type]), [[1, 'run-started'], [2, 'step-started'], [3, 'run-finished']]);
  });

  it('has each record in the file when append returns', () => {
    const file = freshFile();
    const journal = openJournal(file);
    for (let i = 1; i <= 3; i++) {
      const rec = journal.append(stepStarted);
      const onDisk = fs.readFileSync(file, 'utf8').split('\n');
      assert.equal(onDisk.length, i + 1, 'one line per record, newline-terminated');
      assert.deepEqual(JSON.parse(onDisk[i - 1]!), rec);
    }
    journal.close();
  });

  it('creates the file 0600 in a 0700 directory', () => {
    const file = freshFile();
    openJournal(file).close();
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
  });

  it('tightens the mode of an existing file', () => {
    const file = freshFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '', { mode: 0o644 });
    openJournal(file).close();
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  it('terminates a torn last line before appending; the reader reports it and keeps the rest', () => {
    const file = freshFile();
    const journal = openJournal(file);
    journal.append(started('r1'));
    journal.append(stepStarted);
    journal.close();
    fs.appendFileSync(file, '{"seq":3,"at":"2026-11-23T10:11:12.000Z","type":"out');

    assert.deepEqual(readJournal(file).problems, [{ line: 3, message: 'torn last line (no newline): the writer stopped mid-record' }]);

    const resumed = openJournal(file);
    assert.equal(resumed.append(finished).seq, 3);
    resumed.close();
    const { records, problems } = readJournal(file);
    assert.deepEqual(records.map((r) => r.seq), [1, 2, 3]);
    assert.equal(records[2]!.type, 'run-finished');
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.line, 3);
    assert.match(problems[0]!.message, /unparsable/);
    assert.equal(fs.readFileSync(file, 'utf8').split('\n')[3], JSON.stringify(records[2]), 'the new record has a line of its own');
  });

  it('counts a record whose newline alone was lost', () => {
    const file = freshFile();
    const journal = openJournal(file);
    journal.append(started('r1'));
    journal.close();
    fs.appendFileSync(file, JSON.stringify({ seq: 2, at: 'x', ...stepStarted }));
    const resumed = openJournal(file);
    assert.equal(resumed.append(finished).seq, 3);
    resumed.close();
    const { records, problems } = readJournal(file);
    assert.deepEqual(problems, []);
    assert.deepEqual(records.map((r) => r.seq), [1, 2, 3]);
  });

  it('applies the redact option to every string it writes', () => {
    const file = freshFile();
    const redactor = new Redactor();
    redactor.add('unseal-key-7f3a9c');
    const journal = openJournal(file, { redact: (t) => redactor.redact(t) });
    const rec = journal.append({ type: 'step-action', step: 's/1', command: 'vault operator unseal unseal-key-7f3a9c', params: { key: ['unseal-key-7f3a9c'], n: 1 } });
    journal.close();
    assert.deepEqual(rec, { seq: 1, at: rec.at, prev: rec.prev, type: 'step-action', step: 's/1', command: 'vault operator unseal [redacted]', params: { key: ['[redacted]'], n: 1 } });
    assert.ok(!fs.readFileSync(file, 'utf8').includes('unseal-key-7f3a9c'));
  });

  it('survives kill -9 in the middle of appending', async () => {
    const file = freshFile();
    const writer = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('fixtures/journal-writer.ts', import.meta.url)), file], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = once(writer, 'exit');
    try {
      await waitFor(() => fs.existsSync(file) && readJournal(file).records.length >= 200, { what: 'the writer to append 200 records', timeoutMs: 20_000 });
    } finally {
      writer.kill('SIGKILL');
    }
    const [, signal] = await exited;
    assert.equal(signal, 'SIGKILL');

    const { records, problems } = readJournal(file);
    const lineCount = fs.readFileSync(file, 'utf8').split('\n').length;
    assert.ok(records.length >= 200);
    assert.deepEqual(records.map((r) => r.seq), records.map((_, i) => i + 1), 'whole records, consecutive seqs');
    assert.ok(problems.length === 0 || (problems.length === 1 && problems[0]!.line === lineCount), `at most a torn last line: ${JSON.stringify(problems)}`);

    const resumed = openJournal(file);
    assert.equal(resumed.append(finished).seq, records.length + 1);
    resumed.close();
    const after = readJournal(file);
    assert.deepEqual(after.records.map((r) => r.seq), after.records.map((_, i) => i + 1));
    assert.equal(after.problems.length, problems.length, 'the torn line, if any, is still reported');
  });
});

describe('readJournal', () => {
  it('reports bad lines and seq gaps and repeats with their line numbers, skipping blank lines', () => {
    const file = freshFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const rec = (seq: number) => JSON.stringify({ seq, at: '2026-11-23T10:11:12.000Z', ...stepStarted });
    fs.writeFileSync(
      file,
      [rec(1), '', 'not json', '[1,2]', '{"seq":"2","type":"output","at":"x"}', '{"seq":2,"at":"x"}', '{"seq":2,"type":"output"}', rec(2), rec(4), rec(4), '   ', rec(5), ''].join('\n'),
    );
    const { records, problems } = readJournal(file);
    assert.deepEqual(records.map((r) => r.seq), [1, 2, 4, 4, 5]);
    assert.deepEqual(problems.map((p) => p.line), [3, 4, 5, 6, 7, 9, 10]);
    assert.match(problems[0]!.message, /unparsable/);
    assert.match(problems[1]!.message, /not a JSON object/);
    assert.match(problems[2]!.message, /seq/);
    assert.match(problems[3]!.message, /type/);
    assert.match(problems[4]!.message, /time/);
    assert.equal(problems[5]!.message, 'seq gap: expected 3, found 4');
    assert.equal(problems[6]!.message, 'seq repeated or out of order: expected 5, found 4');
  });

  it('reports a journal that does not start at 1', () => {
    const file = freshFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ seq: 3, at: 'x', ...stepStarted }) + '\n');
    assert.deepEqual(readJournal(file).problems, [{ line: 1, message: 'seq gap: expected 1, found 3' }]);
  });

  it('throws naming a missing file', () => {
    const file = path.join(root, 'nope', 'missing.jsonl');
    assert.throws(() => readJournal(file), { message: `journal not found: ${file}` });
  });
});

describe('listRuns', () => {
  it('lists runs newest first, with their first and last records', () => {
    const dir = path.join(root, 'list', 'runs');
    const write = (runId: string, done: boolean, mtime: Date) => {
      const journal = openJournal(path.join(dir, `${runId}.jsonl`));
      journal.append(started(runId));
      journal.append(stepStarted);
      if (done) journal.append(finished);
      journal.close();
      fs.utimesSync(path.join(dir, `${runId}.jsonl`), mtime, mtime);
    };
    write('20261123T100000Z-vault-unseal', true, new Date(Date.UTC(2026, 10, 23, 10)));
    write('20261123T110000Z-vault-unseal', false, new Date(Date.UTC(2026, 10, 23, 11)));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a journal');
    fs.writeFileSync(path.join(dir, 'empty.jsonl'), '');

    const runs = listRuns(dir);
    assert.deepEqual(
      runs.map((r) => [r.runId, r.lastSeq, r.finished?.status, r.mtime.toISOString(), r.problems]),
      [
        ['20261123T110000Z-vault-unseal', 2, undefined, '2026-11-23T11:00:00.000Z', 0],
        ['20261123T100000Z-vault-unseal', 3, 'passed', '2026-11-23T10:00:00.000Z', 0],
      ],
    );
    assert.equal(runs[0]!.file, path.join(dir, '20261123T110000Z-vault-unseal.jsonl'));
    assert.equal(runs[0]!.started.section, 'vault-unseal');
  });

  it('has none in a missing directory', () => {
    assert.deepEqual(listRuns(path.join(root, 'no-such-dir')), []);
  });
});

describe('newRunId', () => {
  it('is a UTC timestamp and a file-name-safe slug', () => {
    const now = new Date(Date.UTC(2026, 10, 23, 10, 11, 12, 345));
    assert.equal(newRunId(now, 'vault-unseal'), '20261123T101112Z-vault-unseal');
    assert.equal(newRunId(now, 'Restore ERP / DB (pg_restore)!'), '20261123T101112Z-restore-erp-db-pg-restore');
    assert.equal(newRunId(now, '../..'), '20261123T101112Z-run');
  });
});
