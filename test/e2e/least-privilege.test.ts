import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import type { DrillRecord } from '../../engine/drills/drill-record.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { runCli } from '../helpers/cli.ts';
import { configWith } from '../helpers/gate-config.ts';
import { scratchDir } from '../helpers/git-client.ts';
import { kubectl, startTestSim } from '../helpers/lab-sim.ts';
import { TmuxTerminal } from '../helpers/tmux.ts';

const PROD = ['--prod-context', 'arcodange-prod', '--prod-server', 'https://192.168.1.10:6443'];

/**
 * lab-sim as a real sandbox is set up: `sandbox init` with the admin kubeconfig, then lab-tui
 * runs as ServiceAccount lab-tui with only the roles init generated from the permission table.
 * lab-sim enforces RBAC as the API server does, so any call the table forgot is a 403 here.
 */
describe('least privilege: sandbox init, then lab-tui as its ServiceAccount', () => {
  let sim: LabSim;
  let dir: string;
  let configFile: string;
  let identity: string;
  /** lab-sim's configuration (its PostgreSQL, Gitea, step-ca, control API) on the generated identity. */
  let asLabTui: string;
  const init = () => runCli(['sandbox', 'init', '--config', configFile, '--kubeconfig', sim.files.kubeconfig, '--context', 'lab-sim', '--vault', sim.urls.vault, '--key-file', sim.files.keyFile, ...PROD, '--yes'], { HOME: dir });

  /** Runs the CLI while lab-sim's manual clock moves on, as time passes in a real sandbox. */
  async function withClock(argv: string[]) {
    let done = false;
    const cli = runCli(argv, { HOME: dir }).finally(() => (done = true));
    while (!done) {
      await new Promise((r) => setTimeout(r, 20));
      await sim.advance(5_000);
    }
    return cli;
  }

  before(async () => {
    sim = await startTestSim({ seed: 61 });
    await sim.advance(60_000);
    dir = scratchDir('least-privilege-');
    configFile = path.join(dir, 'lab-tui', 'config.yaml');
    identity = path.join(dir, 'lab-tui', 'lab-tui.kubeconfig');
  });
  after(() => sim.stop());

  it('sandbox init creates the markers, the identity, its roles and the Vault policy, and writes the kubeconfig and configuration', async () => {
    const r = await init();
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /created +ServiceAccount lab-tui\/lab-tui/);
    assert.match(r.stdout, /created +ClusterRole lab-tui/);
    assert.match(r.stdout, /created +Vault policy lab-tui/);
    assert.match(r.stdout, /^\d+ change\(s\) applied$/m);
    assert.equal(fs.statSync(identity).mode & 0o777, 0o600);
    const kc = parse(fs.readFileSync(identity, 'utf8'));
    assert.deepEqual(kc.contexts.map((c: { name: string }) => c.name), ['lab-sim'], 'the sandbox context only');
    assert.match(await kubectl(sim, 'get', 'serviceaccount', '-n', 'lab-tui', 'lab-tui', '-o', 'name'), /serviceaccount\/lab-tui/);
    assert.match(await kubectl(sim, 'get', 'clusterrolebinding', 'lab-tui', '-o', 'jsonpath={.subjects[0].kind}/{.subjects[0].namespace}/{.subjects[0].name}'), /^ServiceAccount\/lab-tui\/lab-tui$/);
    assert.ok(kc.users[0].user.token, 'the token the token controller filled in');
    const root = JSON.parse(fs.readFileSync(sim.files.keyFile, 'utf8')).root_token as string;
    const policy = await fetch(`${sim.urls.vault}/v1/sys/policies/acl/lab-tui`, { headers: { 'x-vault-token': root } });
    assert.equal(policy.status, 200);
    assert.match(((await policy.json()) as { data: { policy: string } }).data.policy, /path "secret\/data\/lab\/identity"/);
    const marker = await fetch(`${sim.urls.vault}/v1/secret/data/lab/identity`, { headers: { 'x-vault-token': root } });
    assert.equal(((await marker.json()) as { data: { data: { env: string } } }).data.data.env, 'sandbox');
    assert.equal((await runCli(['config', 'check', '--config', configFile], { HOME: dir })).code, 0);
  });

  it('a second run changes nothing and says so', async () => {
    const r = await init();
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const lines = r.stdout.split('\n').filter((l) => /^(created|updated|unchanged)\s/.test(l));
    assert.ok(lines.length > 5 && lines.every((l) => l.startsWith('unchanged')), r.stdout);
    assert.match(r.stdout, /^nothing to change: the sandbox was already set up$/m);
  });

  it('doctor on the generated configuration: sources, permissions, CRDs, key file ok as the ServiceAccount; versions name what init cannot know', async () => {
    const r = await runCli(['doctor', '--config', configFile, '--json'], { HOME: dir });
    const report = JSON.parse(r.stdout) as { checks: { id: string; ok: boolean; detail: string }[] };
    assert.deepEqual(report.checks.filter((c) => !c.ok).map((c) => c.id), ['versions'], r.stdout);
    assert.match(report.checks.find((c) => c.id === 'versions')!.detail, /postgres not configured/);
    assert.deepEqual(report.checks.filter((c) => c.id.startsWith('permissions.')).map((c) => c.ok), [true, true, true, true, true, true]);
  });

  it('with every source configured on that identity: doctor all ok, the dashboard live with no pane forbidden', async () => {
    const marker = parse(fs.readFileSync(sim.files.config, 'utf8')).sandbox.kubernetes.marker;
    asLabTui = configWith(sim.files.config, scratchDir('least-privilege-full-'), { kubernetes: { kubeconfig: identity, context: 'lab-sim', server: sim.urls.kube, marker } });
    const doctor = await runCli(['doctor', '--config', asLabTui], { HOME: dir });
    assert.equal(doctor.code, 0, doctor.stdout);
    const status = await runCli(['status', '--json', '--config', asLabTui], { HOME: dir });
    assert.equal(status.code, 0, status.stderr);
    const snap = JSON.parse(status.stdout) as { sources: { id: string; status: string }[]; forbidden?: unknown[]; nodes: unknown[] };
    assert.deepEqual(snap.sources.filter((s) => s.status !== 'live'), [], 'every source live');
    assert.equal(snap.forbidden, undefined, 'no watch refused');
    assert.equal(snap.nodes.length, 3);
  });

  it('the canary gate runs as the ServiceAccount end to end', async () => {
    const r = await withClock(['--config', asLabTui, 'gate', 'canary', '--json', '--evidence-dir', path.join(dir, 'evidence')]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(JSON.parse(r.stdout).ok, true);
  });

  it('drills run as the ServiceAccount, their runbook actions too: vault-seal (vso.reauth), longhorn-corruption (the Longhorn objects recreated)', async () => {
    for (const drill of ['vault-seal', 'longhorn-corruption']) {
      const r = await withClock(['--config', asLabTui, 'drill', 'run', drill, '--autopilot', '--json', '--evidence-dir', path.join(dir, 'evidence')]);
      const rec = JSON.parse(r.stdout || '{}') as DrillRecord;
      assert.equal(rec.outcome, 'passed', `${drill}: ${rec.reason ?? r.stderr}`);
      // The record carries sha256 digests, so a bare 403 can be hex: match the refusals as lab-tui words them.
      assert.doesNotMatch(r.stdout + r.stderr, /forbidden|permission denied|HTTP 403|\(403\)/i, `${drill}: nothing refused`);
    }
  });

  it('a cockpit on that configuration and kubeconfig shows every source live and no pane forbidden; doctor stays out of the way', async () => {
    const term = new TmuxTerminal(160, 45);
    try {
      term.start({ HOME: dir, PATH: process.env.PATH ?? '' });
      term.type(`node ${path.resolve('bin/lab-tui.js')} --config ${asLabTui}`);
      const frame = await term.waitForText(/● kubernetes live {3}● vault live {3}● postgres live {3}● gitea live {3}● stepca live/, 60_000);
      const ready = await term.waitForText(/pi2\s+agent\s+Ready/);
      // The doctor ran on start: all ok, so its screen never opened (the viewer's test below shows it does when one fails).
      for (const f of [frame, ready]) assert.doesNotMatch(f, /forbidden|checks failed on start/);
      term.keys('q');
      await term.waitForText(/E2E\$\s*$/m);
    } finally {
      term.kill();
    }
  });

  it('a cockpit as the read-only viewer: the doctor screen first, naming what is missing; enter continues to a live dashboard with the forbidden panes named', async () => {
    const marker = parse(fs.readFileSync(sim.files.config, 'utf8')).sandbox.kubernetes.marker;
    const viewer = configWith(sim.files.config, scratchDir('least-privilege-viewer-'), { kubernetes: { kubeconfig: sim.files.viewerKubeconfig, context: 'lab-sim-viewer', server: sim.urls.kube, marker } });
    const term = new TmuxTerminal(200, 60);
    try {
      term.start({ HOME: dir, PATH: process.env.PATH ?? '' });
      term.type(`node ${path.resolve('bin/lab-tui.js')} --config ${viewer}`);
      const doctor = await term.waitForText(/Doctor: \d+ of \d+ checks failed on start/, 60_000);
      assert.match(doctor, /FAIL {2}permissions: dashboard +dashboard: list,watch nodes|FAIL {2}permissions: dashboard +dashboard: /);
      assert.match(doctor, /dashboard: list,watch orphans\.longhorn\.io/);
      assert.match(doctor, /fix: use the kubeconfig `lab-tui sandbox init` wrote/);
      assert.match(doctor, /r re-run · enter continue to the cockpit anyway · q quit/);
      term.keys('Enter');
      // A read that times out on a loaded machine shows as such first; the forbidden reason follows on the next one.
      const dash = await term.waitForText(/Nodes  0\n.*\n  forbidden: list nodes \(doctor: needs dashboard: list,watch nodes\)[\s\S]*\nstepca +down .*not read from the cluster: forbidden \(doctor: needs probes: list ingresses\.networking\.k8s\.io, list secrets\)/);
      assert.match(dash, /● kubernetes live/, 'the source stays live');
      assert.doesNotMatch(dash, /"kind":"Status"/, 'never the raw Forbidden body');
      assert.doesNotMatch(dash, /checks failed on start/);
      term.keys('q');
      await term.waitForText(/E2E\$\s*$/m);
    } finally {
      term.kill();
    }
  });
});
