import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openJournal } from '../../engine/runbook/journal.ts';
import { resolveTarget } from '../../src/cli/target.ts';
import { runCli } from '../helpers/cli.ts';
import { runStarted } from '../helpers/journal-records.ts';

/** The embedded lab-sim's evidence outlives it, in a folder of its own; its temporary state does not. */
describe("the embedded lab-sim's evidence", () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-embedded-evidence-'));
  const env = { HOME: home, PATH: process.env.PATH ?? '' };
  const kept = path.join(home, '.local', 'share', 'lab-tui', 'lab-sim', 'evidence');
  after(() => fs.rmSync(home, { recursive: true, force: true }));

  it('is kept under $XDG_DATA_HOME/lab-tui/lab-sim/evidence, apart from a real sandbox\'s; its state directory is gone once it stops', async () => {
    const target = await resolveTarget({ sim: true }, env);
    const stateDir = /embedded lab-sim \((.+)\)/.exec(target.origin)![1]!;
    assert.equal(target.config.sandbox.evidenceDir, kept);
    assert.equal(target.ephemeral, true);
    assert.ok(fs.existsSync(stateDir));
    await target.stop();
    assert.equal(fs.existsSync(stateDir), false, `${stateDir} removed`);
    const custom = await resolveTarget({ sim: true }, { ...env, XDG_DATA_HOME: path.join(home, 'data') });
    await custom.stop();
    assert.equal(custom.config.sandbox.evidenceDir, path.join(home, 'data', 'lab-tui', 'lab-sim', 'evidence'));
  });

  it('--sim commands that read the evidence read that folder, without starting lab-sim', async () => {
    const runs = path.join(kept, 'runs');
    fs.mkdirSync(runs, { recursive: true });
    const j = openJournal(path.join(runs, '2026-12-01T10-00-00Z-kept.jsonl'));
    j.append(runStarted('2026-12-01T10-00-00Z-kept'));
    j.seal();
    j.close();
    const r = await runCli(['--sim', 'evidence', 'verify'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2026-12-01T10-00-00Z-kept +valid, sealed/);
    const report = await runCli(['--sim', 'report'], env);
    assert.equal(report.code, 0, report.stderr);
  });

  it('drill list names the drill runs that wait for a resume, with the line that takes each up', async () => {
    const runId = '2026-12-01T11-00-00Z-vault-unseal';
    const j = openJournal(path.join(kept, 'runs', `${runId}.jsonl`));
    j.append(runStarted(runId));
    j.append({ type: 'drill-started', drill: 'vault-seal', title: 'Vault seal', changeClass: 'vault', autopilot: false, simulated: true, timeLimitMs: 1_800_000, versions: {} });
    j.close();
    const r = await runCli(['--sim', 'drill', 'list'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^no outcome yet: vault-seal run ${runId} \\(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\); \`lab-tui resume ${runId}\` takes it up$`, 'm'));
  });
});
