import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { GateResult } from '../../engine/gates/gate-result.ts';
import { latestGateResults } from '../../engine/gates/gate-store.ts';
import { startLabSim, type LabSim } from '../../engine/sim/index.ts';
import { manifestWithTypo } from '../helpers/canary-run.ts';
import { runCli } from '../helpers/cli.ts';

/**
 * `lab-tui gate canary` as CI runs it, on the real clock: lab-sim with its own PostgreSQL, as
 * `npx lab-tui` embeds it. The gate waits for conditions, so the sim's speed only shortens the run.
 */
describe('lab-tui gate canary from the CLI', () => {
  let sim: LabSim;
  let evidence: string;
  before(async () => {
    sim = await startLabSim({ clock: 'real', speed: 5, seed: 91 });
    evidence = fs.mkdtempSync(path.join(os.tmpdir(), 'canary-cli-'));
  });
  after(() => sim.stop());

  const gate = (...args: string[]) => runCli(['--config', sim.files.config, 'gate', 'canary', ...args, '--evidence-dir', evidence]);

  it('passes end to end with --json (exit 0), leaves nothing in Gitea, and keeps the result for the Gates screen', async () => {
    const r = await gate('--json');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const result = JSON.parse(r.stdout) as GateResult;
    assert.equal(result.schema, 'lab-tui/gate@1');
    assert.equal(result.ok, true);
    assert.equal(result.checks.at(-1)?.name, 'cleanup');
    assert.equal((await fetch(`${sim.urls.gitea}/api/v1/repos/arcodange/canary`)).status, 404);
    assert.deepEqual(latestGateResults(evidence).results.map((x) => [x.gate, x.ok]), [['canary', true]]);
    const token = fs.readFileSync(sim.files.giteaToken, 'utf8').trim();
    const password = fs.readFileSync(sim.files.postgresPassword, 'utf8').trim();
    for (const secret of [token, password]) assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'no secret in the output');
  });

  it('fails (exit 1) naming the broken link in its first line', async () => {
    const r = await gate('--manifest', manifestWithTypo('owner: arcodange', 'owner: arcodagne'), '--timeout', '5');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^FAIL canary: chain broken at gitea — gitea: repository arcodagne\/canary: HTTP 404/);
  });

  it('a malformed manifest or timeout is a usage error (exit 2) naming the file and line', async () => {
    const bad = manifestWithTypo('  repo: "{app}"', '  repo: "{app}"\n  repo: twice');
    const r = await gate('--manifest', bad);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`${bad.replaceAll('/', '\\/')}:8`));
    const t = await gate('--timeout', 'soon');
    assert.equal(t.code, 2);
    assert.match(t.stderr, /--timeout wants whole seconds per link, got soon/);
  });
});
