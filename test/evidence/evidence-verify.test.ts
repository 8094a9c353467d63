import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openJournal } from '../../engine/runbook/journal.ts';
import type { JournalIntegrity } from '../../engine/runbook/run-types.ts';
import { runCli } from '../helpers/cli.ts';
import { runStarted } from '../helpers/journal-records.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-verify-'));
const runs = path.join(dir, 'runs');
fs.mkdirSync(runs);
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function journal(runId: string, o: { seal?: boolean } = {}): string {
  const file = path.join(runs, `${runId}.jsonl`);
  const j = openJournal(file);
  j.append(runStarted(runId));
  j.append({ type: 'step-started', step: 'vault-unseal/1', kind: 'AGENT', title: 'Unseal' });
  j.append({ type: 'run-finished', status: 'passed', durationMs: 5 });
  if (o.seal !== false) j.seal();
  j.close();
  return file;
}

const verify = (...args: string[]) => runCli(['evidence', 'verify', '--evidence-dir', dir, ...args]);

describe('lab-tui evidence verify', () => {
  journal('2026-12-01T10-00-00Z-good');
  journal('2026-12-01T11-00-00Z-open', { seal: false });
  const torn = journal('2026-12-01T12-00-00Z-torn', { seal: false });
  fs.appendFileSync(torn, '{"seq":4,"type":"step-sta');
  const legacy = path.join(runs, '2026-12-01T09-00-00Z-legacy.jsonl');
  fs.writeFileSync(legacy, `${JSON.stringify({ seq: 1, at: '2026-12-01T09:00:00Z', ...runStarted('2026-12-01T09-00-00Z-legacy') })}\n`);

  it('reports each journal: valid and sealed, not sealed, a torn tail after a crash, written before hashing; exit 0 while none is invalid', async () => {
    const r = await verify();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2026-12-01T09-00-00Z-legacy +unverifiable \(written before hashing\)/);
    assert.match(r.stdout, /2026-12-01T10-00-00Z-good +valid, sealed\n/);
    assert.match(r.stdout, /2026-12-01T11-00-00Z-open +valid, not sealed \(running, or crashed\)\n/);
    assert.match(r.stdout, /2026-12-01T12-00-00Z-torn +valid, not sealed \(running, or crashed\); torn line 4 \(a crash\), valid around it/);
  });

  it('an edited record makes its journal invalid, naming the file and line; exit 1', async () => {
    const file = journal('2026-12-01T13-00-00Z-edited');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"step":"vault-unseal/1"', '"step":"vault-unseal/2"'));
    const r = await verify();
    assert.equal(r.code, 1);
    assert.match(r.stdout, new RegExp(`2026-12-01T13-00-00Z-edited +INVALID at line 3: the chain breaks here: line 2 was edited.* \\(${file.replaceAll('.', '\\.')}:3\\)`));
    const json = await verify('2026-12-01T13-00-00Z-edited', '--json');
    const [only] = JSON.parse(json.stdout) as { runId: string; file: string; integrity: JournalIntegrity }[];
    assert.deepEqual([only!.runId, only!.file, only!.integrity.status], ['2026-12-01T13-00-00Z-edited', file, 'invalid']);
  });

  it('a removed first record is still checked (the file names the run)', async () => {
    const file = journal('2026-12-01T14-00-00Z-cut');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').split('\n').slice(1).join('\n'));
    const r = await verify('2026-12-01T14-00-00Z-cut');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /2026-12-01T14-00-00Z-cut +INVALID at line 1: the journal does not begin with its run-started record/);
  });

  it('RUN_ID picks journals by id or prefix; an unknown one is a usage error', async () => {
    const r = await verify('2026-12-01T10');
    assert.deepEqual([r.code, r.stdout.trim().split('\n').length], [0, 2]);
    const unknown = await verify('nope');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no run nope in .*runs/);
  });
});
