import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { manifestPath } from '../../engine/common/package-root.ts';
import { runCli } from '../helpers/cli.ts';

const RUNBOOK = manifestPath('runbooks/CLUSTER_RECOVERY.md');

/** What scripts and CI see of `run --dry-run`, `runbook check` and `resume`. */
describe('lab-tui run / runbook check / resume from a script', () => {
  it('--dry-run prints each step and what would run, and runs nothing', async () => {
    const r = await runCli(['run', RUNBOOK, '--section', 'postgres-restore', '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Postgres restore \(postgres-restore\): 4 steps/);
    assert.match(r.stdout, /3\. \[AGENT\] Restore the `erp` database from the newest dump\.\n\s+requires postgres\.reachable\n\s+would run postgres\.restore \{"database":"erp"\}/);
    assert.match(r.stdout, /verify sql \{"database":"erp","query":"SELECT data_token FROM lab_meta"\}/);
  });

  it('--from starts at a step; --json gives the parsed steps with their lines', async () => {
    const text = await runCli(['run', RUNBOOK, '--section', 'Postgres restore', '--from', '3', '--dry-run']);
    assert.match(text.stdout, /, from step 3\n\s+3\. \[AGENT\]/);
    assert.doesNotMatch(text.stdout, /1\. \[HUMAN\]/);
    const json = await runCli(['run', RUNBOOK, '--section', 'postgres-restore', '--from', 'postgres-restore/4', '--dry-run', '--json']);
    const out = JSON.parse(json.stdout) as { section: { steps: { id: string; line: number; lab: { action: string } }[] } };
    assert.deepEqual(out.section.steps.map((s) => [s.id, s.lab.action]), [['postgres-restore/4', 'k8s.scale']]);
    assert.ok(out.section.steps[0]!.line > 1);
  });

  it('asks for --section when the runbook has several procedures, and names them', async () => {
    const r = await runCli(['run', RUNBOOK, '--dry-run']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /has 7 procedures; pick one with --section: node-loss-reschedule, vault-unseal-vso-re-auth, longhorn-restore/);
    const bad = await runCli(['run', RUNBOOK, '--section', 'nope', '--dry-run']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no section "nope"/);
    const from = await runCli(['run', RUNBOOK, '--section', 'postgres-restore', '--from', '9', '--dry-run']);
    assert.equal(from.code, 2);
    assert.match(from.stderr, /--from 9: no such step in postgres-restore \(1-4\)/);
  });

  it('runbook check: ok for the shipped runbook, file:line for every problem of a broken one (exit 2)', async () => {
    const ok = await runCli(['runbook', 'check', RUNBOOK]);
    assert.equal(ok.code, 0);
    assert.match(ok.stdout, /CLUSTER_RECOVERY\.md: ok, node-loss-reschedule \(5\)/);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rb-')), 'broken.md');
    fs.writeFileSync(file, '# Broken\n## Vault\n1. [AGENT] Unseal.\n   ```lab\n   action: vault.unsael\n   ```\n2. [human] Nope\n');
    const bad = await runCli(['runbook', 'check', file]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^runbook error:/);
    assert.match(bad.stderr, new RegExp(`${file}:5: .*vault\\.unsael`));
    assert.match(bad.stderr, new RegExp(`${file}:7: expected \\[AGENT\\] or \\[HUMAN\\]`));
  });

  it('runbook check warns of an untagged item between steps (exit 0); --strict makes it an error (exit 2)', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rb-')), 'house.md');
    fs.writeFileSync(file, '# House\n\n## Vault\n\n1. [HUMAN] Look\n2. Restart it\n3. [HUMAN] Check\n');
    const warned = await runCli(['runbook', 'check', file]);
    assert.equal(warned.code, 0);
    assert.match(warned.stdout, /house\.md: ok, vault \(2\)/);
    assert.match(warned.stderr, new RegExp(`^warning: ${file}:6: "2\\." between steps 1 and 2 of "Vault" is not tagged`, 'm'));
    const strict = await runCli(['runbook', 'check', '--strict', file]);
    assert.equal(strict.code, 2);
    assert.match(strict.stderr, new RegExp(`^error \\(--strict\\): ${file}:6: `, 'm'));
    assert.doesNotMatch(strict.stdout, /ok/);
  });

  it('resume says so when there is nothing to resume', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-cfg-'));
    const config = path.join(dir, 'config.yaml');
    fs.writeFileSync(config, `sandbox:\n  name: s\n  kubernetes: { context: c, server: https://127.0.0.1:6443 }\n  evidenceDir: ${dir}/evidence\nprod:\n  contexts: [prod]\n`);
    const r = await runCli(['--config', config, 'resume']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`no interrupted run in ${dir}/evidence/runs`));
  });
});
