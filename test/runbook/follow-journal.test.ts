import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { followJournal, type FollowedJournal } from '../../engine/runbook/follow-journal.ts';
import { openJournal, type Journal } from '../../engine/runbook/journal.ts';
import { waitFor } from '../helpers/wait.ts';

const types = (f: FollowedJournal) => f.records.get().map((r) => r.type);

describe('following a journal another process writes', () => {
  let dir: string;
  let file: string;
  let writer: Journal | undefined;
  const followers: FollowedJournal[] = [];
  const follow = (...args: Parameters<typeof followJournal>) => {
    const f = followJournal(...args);
    followers.push(f);
    return f;
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-follow-'));
    file = path.join(dir, 'run.jsonl');
  });
  afterEach(() => {
    for (const f of followers.splice(0)) f.stop();
    writer?.close();
    writer = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows what the journal holds, then each record as it is appended', async () => {
    writer = openJournal(file);
    writer.append({ type: 'run-resumed', atStep: 's/1' });
    const f = follow(file);
    await waitFor(() => f.records.get().length === 1, { what: 'the existing record' });
    writer.append({ type: 'step-started', step: 's/1', kind: 'AGENT', title: 'Unseal Vault' });
    writer.append({ type: 'step-finished', step: 's/1', status: 'done', durationMs: 12 });
    await waitFor(() => f.records.get().length === 3, { what: `the appended records; have ${types(f)}` });
    assert.deepEqual(types(f), ['run-resumed', 'step-started', 'step-finished']);
    assert.deepEqual(f.records.get().map((r) => r.seq), [1, 2, 3]);
  });

  it('waits for a torn last line to be completed, even when it splits a character', async () => {
    const whole = JSON.stringify({ seq: 2, at: '2026-11-20T10:00:00.000Z', type: 'improvised', step: 's/1', text: 'redémarré à la main' });
    const bytes = Buffer.from(`${JSON.stringify({ seq: 1, at: '2026-11-20T09:59:59.000Z', type: 'run-resumed', atStep: 's/1' })}\n${whole}\n`);
    // Cut inside the é of "redémarré": a reader that decoded each read on its own would garble it.
    const cut = bytes.indexOf(Buffer.from('é')) + 1;
    fs.writeFileSync(file, bytes.subarray(0, cut));
    const f = follow(file);
    await waitFor(() => f.records.get().length === 1, { what: 'the whole first line' });
    // The torn line is neither a record nor a problem: the writer is still writing it.
    assert.deepEqual(types(f), ['run-resumed']);
    assert.deepEqual(f.problems.get(), []);
    fs.appendFileSync(file, bytes.subarray(cut));
    await waitFor(() => f.records.get().length === 2, { what: 'the completed line' });
    const last = f.records.get()[1]!;
    assert.equal(last.type === 'improvised' && last.text, 'redémarré à la main');
    assert.deepEqual(f.problems.get(), []);
  });

  it('reports a whole line that is not a record, with its line number, and goes on', async () => {
    writer = openJournal(file);
    writer.append({ type: 'run-resumed', atStep: 's/1' });
    writer.close();
    fs.appendFileSync(file, '{"seq": 2, "type": "step-st\n');
    writer = openJournal(file);
    writer.append({ type: 'run-resumed', atStep: 's/2' });
    const f = follow(file);
    await waitFor(() => f.records.get().length === 2 && f.problems.get().length === 1, { what: `two records and one problem; have ${types(f)}` });
    assert.equal(f.problems.get()[0]!.line, 2);
    assert.match(f.problems.get()[0]!.message, /unparsable line/);
  });

  it('polls when fs.watch is not used, and waits for a journal that does not exist yet', async () => {
    const polled = follow(file, { watch: false, pollMs: 10 });
    const watched = follow(file, { pollMs: 10 });
    assert.deepEqual(polled.records.get(), []);
    writer = openJournal(file);
    writer.append({ type: 'run-resumed', atStep: 's/1' });
    await waitFor(() => polled.records.get().length === 1 && watched.records.get().length === 1, { what: 'both followers see the new journal' });
    writer.append({ type: 'run-resumed', atStep: 's/2' });
    await waitFor(() => polled.records.get().length === 2, { what: 'the polling follower sees the append' });
  });

  it('stops reading once stopped', async () => {
    writer = openJournal(file);
    writer.append({ type: 'run-resumed', atStep: 's/1' });
    const stopped = follow(file, { pollMs: 10 });
    await waitFor(() => stopped.records.get().length === 1, { what: 'the first record' });
    stopped.stop();
    writer.append({ type: 'run-resumed', atStep: 's/2' });
    // A follower started after the append has read it: the stopped one had every chance to.
    const later = follow(file, { pollMs: 10 });
    await waitFor(() => later.records.get().length === 2, { what: 'a new follower sees both records' });
    assert.equal(stopped.records.get().length, 1);
  });
});
