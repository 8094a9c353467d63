import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import type { LabSim } from '../../engine/sim/index.ts';
import { runCli } from '../helpers/cli.ts';
import { configWith } from '../helpers/gate-config.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { scratchDir } from '../helpers/git-client.ts';

/** A check's line of the report (`ok    tools  …` / `FAIL  key file  …`) and what follows it up to the next check. */
function lineOf(stdout: string, name: string): string {
  const lines = stdout.split('\n');
  const i = lines.findIndex((l) => new RegExp(`^(ok  |FAIL)  ${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\s`).test(l));
  assert.ok(i >= 0, `no line for ${name} in:\n${stdout}`);
  const rest = lines.slice(i + 1).findIndex((l) => !/^\s/.test(l));
  return lines.slice(i, rest < 0 ? undefined : i + 1 + rest).join('\n');
}

describe('lab-tui doctor', () => {
  let sim: LabSim;
  let dir: string;
  before(async () => {
    sim = await startTestSim();
    await sim.advance(60_000);
    dir = scratchDir('doctor-');
  });
  after(() => sim.stop());

  it('is in the help, under Configuration, with its flags', async () => {
    const help = await runCli(['--help']);
    assert.match(help.stdout, /Configuration:[\s\S]*\n {2}doctor +preflight of the configured sandbox/);
    const one = await runCli(['help', 'doctor']);
    assert.equal(one.code, 0);
    assert.match(one.stdout, /^Usage: lab-tui doctor \[--json\]/);
    assert.match(one.stdout, /--json +print every check/);
  });

  it('no configuration: one failed line saying how to get one (exit 1)', async () => {
    const r = await runCli(['doctor'], { XDG_CONFIG_HOME: dir, HOME: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.match(lineOf(r.stdout, 'configuration'), /FAIL {2}configuration {2}no configuration at .*config\.yaml\n\s+fix: `lab-tui sandbox init` writes one/);
  });

  it('an invalid configuration: its errors with file and line (exit 1), nothing else checked', async () => {
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, 'sandbox:\n  name: x\n  kubernetes: { context: c, server: https://k:6443 }\n  evidenceDir: /tmp/e\n  color: blue\nprod: { contexts: [p] }\n');
    const r = await runCli(['doctor', '--config', file, '--json']);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout);
    assert.equal(report.schema, 'lab-tui/doctor@1');
    assert.deepEqual(report.checks.map((c: { id: string }) => c.id), ['configuration']);
    assert.match(report.checks[0].detail, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:5`));
  });

  it('a guard refusal is its own line and exits 3; the sandbox is not contacted, the local checks still run', async () => {
    const r = await runCli(['doctor', '--config', sim.files.config], { VAULT_TOKEN: 'not-the-sandbox-token' });
    assert.equal(r.code, 3, r.stdout);
    assert.match(lineOf(r.stdout, 'guard static rules'), /FAIL .*env\.VAULT_TOKEN: .*not the sandbox token[\s\S]*fix: unset VAULT_TOKEN/);
    assert.match(lineOf(r.stdout, 'sources'), /not checked: the guard refused the configuration/);
    assert.match(lineOf(r.stdout, 'key file'), /^ok/);
  });

  it('on lab-sim: all ok (exit 0): each source reachable and marked, every permission granted, the CRDs served, versions at parity, key file, tools, evidence directory', async () => {
    const r = await runCli(['doctor', '--config', sim.files.config]);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /^all \d+ checks passed$/m);
    for (const name of ['configuration', 'guard static rules', 'kubernetes', 'permissions: guard', 'permissions: dashboard', 'permissions: probes', 'permissions: runbooks', 'permissions: drills', 'permissions: gates', 'vault', 'postgres', 'gitea', 'step-ca', 'CRDs longhorn.io/v1beta2', 'CRDs argoproj.io/v1alpha1', 'CRDs secrets.hashicorp.com/v1beta1', 'versions', 'key file', 'tools', 'evidence directory'])
      assert.match(lineOf(r.stdout, name), /^ok /, r.stdout);
    assert.match(lineOf(r.stdout, 'kubernetes'), /marker kube-system\/lab-sandbox-identity env=sandbox/);
    assert.match(lineOf(r.stdout, 'versions'), /parity: \d+\/\d+ expectations hold/);
  });

  it('a key file readable by others and a tool missing from PATH: each named with its fix (exit 1)', async () => {
    const keyFile = path.join(dir, 'sandbox-keys.json');
    fs.copyFileSync(sim.files.keyFile, keyFile);
    fs.chmodSync(keyFile, 0o644);
    const vault = { ...parse(fs.readFileSync(sim.files.config, 'utf8')).sandbox.vault, keyFile };
    const config = configWith(sim.files.config, dir, { vault });
    // A PATH with git and nothing else: kubectl, which the runbooks' steps run, is missing.
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.symlinkSync('/usr/bin/git', path.join(bin, 'git'));
    const r = await runCli(['doctor', '--config', config], { PATH: bin });
    assert.equal(r.code, 1);
    assert.match(lineOf(r.stdout, 'key file'), new RegExp(`FAIL {2}key file +${keyFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} has mode 0644[\\s\\S]*fix: chmod 600 `));
    assert.match(lineOf(r.stdout, 'tools'), /FAIL {2}tools +kubectl not found \(needed by runbooks \(their kubectl steps\)\)\n\s+fix: install kubectl or add where it is to PATH/);
    assert.match(r.stdout, /checks failed$/m);
  });

  it('as the read-only viewer: the missing permissions named by feature (exit 1); the dashboard live with the panes it cannot load forbidden', async () => {
    const marker = parse(fs.readFileSync(sim.files.config, 'utf8')).sandbox.kubernetes.marker;
    const viewer = configWith(sim.files.config, scratchDir('doctor-viewer-'), { kubernetes: { kubeconfig: sim.files.viewerKubeconfig, context: 'lab-sim-viewer', server: sim.urls.kube, marker } });
    const r = await runCli(['doctor', '--config', viewer]);
    assert.equal(r.code, 1, r.stdout);
    assert.match(lineOf(r.stdout, 'kubernetes'), /^ok /, 'view reads the marker ConfigMap');
    assert.match(lineOf(r.stdout, 'permissions: guard'), /^ok /);
    const dashboard = lineOf(r.stdout, 'permissions: dashboard');
    assert.match(dashboard, /^FAIL /);
    assert.match(dashboard, /^\s+dashboard: list,watch orphans\.longhorn\.io$/m);
    assert.match(dashboard, /fix: use the kubeconfig `lab-tui sandbox init` wrote/);
    assert.match(lineOf(r.stdout, 'permissions: runbooks'), /^\s+runbooks: patch deployments\/scale in erp$/m);
    assert.match(lineOf(r.stdout, 'permissions: drills'), /^\s+drills: get,create,patch,delete volumes\.longhorn\.io in longhorn-system$/m, "view has no CRDs");

    const status = await runCli(['status', '--json', '--config', viewer]);
    assert.equal(status.code, 0, status.stderr);
    const snap = JSON.parse(status.stdout) as { sources: { id: string; status: string }[]; forbidden?: { watch: string; message: string }[] };
    assert.equal(snap.sources.find((s) => s.id === 'kubernetes')?.status, 'live', 'a refused watch does not take the source down');
    assert.ok(snap.forbidden?.some((f) => f.message === 'forbidden: list orphans.longhorn.io (doctor: needs dashboard: list,watch orphans.longhorn.io)'), JSON.stringify(snap.forbidden));
    assert.ok(!snap.forbidden?.some((f) => f.watch === 'pods'), 'what view may read stays live');
  });

  it('a CRD missing (discovery without orphans.longhorn.io): named with what installs it, the rest ok', async () => {
    const { loadConfigFile } = await import('../../src/config/load.ts');
    const { openSandbox } = await import('../../src/guard/sandbox.ts');
    const { sandboxChecks } = await import('../../src/cli/doctor-run.ts');
    const env = { HOME: dir, PATH: process.env.PATH };
    const sandbox = await openSandbox(loadConfigFile(sim.files.config, env), env);
    // lab-sim cannot uninstall a CRD: its discovery answer is filtered on the way back instead.
    const hiding = { ...sandbox, kube: async () => { const k = await sandbox.kube(); return { ...k, servedResources: async (gv: string) => (await k.servedResources(gv))?.filter((r) => !(gv === 'longhorn.io/v1beta2' && r === 'orphans')) }; } };
    try {
      const checks = await sandboxChecks(hiding);
      const lh = checks.find((c) => c.id === 'crds.longhorn.io/v1beta2')!;
      assert.equal(lh.ok, false);
      assert.match(lh.detail, /^not served: orphans \(served: volumes, replicas, engines\)$/);
      assert.match(lh.fix!, /^install Longhorn .*manifests\/parity\.yaml/);
      assert.deepEqual(checks.filter((c) => !c.ok).map((c) => c.id), ['crds.longhorn.io/v1beta2']);
    } finally {
      await sandbox.postgres()?.close();
    }
  });
});
