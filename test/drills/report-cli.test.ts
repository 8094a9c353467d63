import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { drillJournal } from '../helpers/drill-journal.ts';
import { runCli } from '../helpers/cli.ts';
import { parseGantts } from '../helpers/mermaid-gantt.ts';

/** `lab-tui report` charts each run from its own journal in the evidence directory. */
describe('lab-tui report with the runs in the evidence directory', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-report-'));
    const records = drillJournal({
      runId: '20261120T090000Z-vault-unseal-vso-re-auth',
      drill: 'vault-seal',
      title: 'Vault seal',
      section: 'vault-unseal-vso-re-auth',
      start: '2026-11-20T09:00:00.000Z',
      faultMs: 1_000,
      fault: { kind: 'vault-seal' },
      detectMs: 2_000,
      probe: 'vault.unsealed',
      steps: [
        { title: 'Confirm on the dashboard that Vault is sealed (component `vault`: sealed).', kind: 'HUMAN', atMs: 4_000, ms: 6_000, status: 'done' },
        { title: 'Unseal Vault with the sandbox key.', kind: 'AGENT', atMs: 10_000, ms: 3_000, status: 'done' },
      ],
      acceptMs: 14_000,
      end: { atMs: 15_000, outcome: 'passed', reason: 'acceptance met by following the runbook', ttr: { totalMs: 13_000, detectionMs: 2_000, humanMs: 6_000, agentMs: 3_000, verifyMs: 0 } },
    });
    fs.mkdirSync(path.join(dir, 'runs'));
    fs.writeFileSync(path.join(dir, 'runs', '20261120T090000Z-vault-unseal-vso-re-auth.jsonl'), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints the run with its gantt and the time-to-recover table', async () => {
    const r = await runCli(['report', '--evidence-dir', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\| vault-seal \| 20261120T090000Z-vault-unseal-vso-re-auth \| 2026-11-20 09:00 \| passed \| 13s \| – \|$/m);
    const [gantt, ...more] = parseGantts(r.stdout);
    assert.equal(more.length, 0);
    assert.deepEqual(
      gantt!.sections[1]!.tasks.map((t) => [t.name, t.start, t.durationMs]),
      [
        ['1 Confirm on the dashboard that Vault is sealed (component `vault`: sealed).', '2026-11-20T09:00:04.000Z', 6_000],
        ['2 Unseal Vault with the sandbox key.', '2026-11-20T09:00:10.000Z', 3_000],
      ],
    );
  });
});
