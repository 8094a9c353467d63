import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
function file(name: string, text: string): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, text);
  return p;
}

const kubeconfig = file(
  'kubeconfig',
  `apiVersion: v1
kind: Config
current-context: sbx
contexts: [{ name: sbx, context: { cluster: sbx, user: op } }]
clusters: [{ name: sbx, cluster: { server: "https://127.0.0.1:6443" } }]
users: [{ name: op, user: { token: t } }]
`,
);
const good = file(
  'good.yaml',
  `sandbox:
  name: sbx
  kubernetes: { kubeconfig: ${kubeconfig}, context: sbx, server: "https://127.0.0.1:6443" }
prod:
  contexts: [arcodange-prod]
`,
);

describe('CLI', () => {
  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), JSON.parse(fs.readFileSync('package.json', 'utf8')).version);
  });

  it('--help lists every command and the exit codes', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    for (const cmd of ['status', 'config check', 'config path']) assert.match(r.stdout, new RegExp(`^  ${cmd}  +\\S`, 'm'), cmd);
    assert.match(r.stdout, /3 refused by the isolation guard/);
  });

  it('an unknown command is a usage error (exit 2)', async () => {
    const r = await runCli(['frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command "frobnicate"/);
  });

  it('an incomplete command group says what it expects', async () => {
    const r = await runCli(['config', 'frob']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /expected one of: config check, config path/);
  });

  it('an unknown option is a usage error (exit 2)', async () => {
    const r = await runCli(['status', '--jsn']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--jsn/);
  });

  it('--sim with --config is a usage error', async () => {
    const r = await runCli(['--sim', '--config', good, 'status']);
    assert.equal(r.code, 2);
  });

  it('config check accepts a good file', async () => {
    const r = await runCli(['--config', good, 'config', 'check', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { file: good, exists: true, valid: true, refused: [], sandbox: { name: 'sbx', context: 'sbx', server: 'https://127.0.0.1:6443' } });
  });

  it('config check names file and line of a malformed file (exit 2)', async () => {
    const bad = file('bad.yaml', fs.readFileSync(good, 'utf8').replace('name: sbx', 'name: 42'));
    const r = await runCli(['--config', bad, 'config', 'check']);
    assert.equal(r.code, 2);
    assert.ok(r.stderr.includes(`${bad}:2: sandbox.name: expected a non-empty string, found number 42`), r.stderr);
  });

  it('a missing explicit configuration file is a configuration error (exit 2)', async () => {
    const r = await runCli(['--config', path.join(tmp, 'nope.yaml'), 'status']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /nope\.yaml:1: file not found/);
  });

  it('config check runs the static guard rules (exit 3)', async () => {
    const r = await runCli(['--config', good, 'config', 'check'], { VAULT_ADDR: 'https://vault.arcodange.lab' });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /rule:\s+env\.VAULT_ADDR/);
  });

  it('LAB_TUI_CONFIG and XDG_CONFIG_HOME choose the file', async () => {
    assert.equal((await runCli(['config', 'path'], { LAB_TUI_CONFIG: good })).stdout.trim(), good);
    assert.equal((await runCli(['config', 'path'], { XDG_CONFIG_HOME: '/xdg' })).stdout.trim(), '/xdg/lab-tui/config.yaml');
  });

  it('an unreachable sandbox is printed stale, without hanging', async () => {
    const r = await runCli(['--config', good, 'status']);
    assert.equal(r.code, 0, 'status still prints, marking the source stale');
    assert.match(r.stdout, /kubernetes: down \(.*ECONNREFUSED/);
  });
});
