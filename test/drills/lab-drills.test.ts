import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { manifestPath } from '../../engine/common/package-root.ts';
import type { DrillRecord } from '../../engine/drills/drill-record.ts';
import { runDrill } from '../../engine/drills/run-drill.ts';
import { readJournal } from '../../engine/runbook/journal.ts';
import type { JournalRecord } from '../../engine/runbook/run-types.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { findDrill, runbookFor } from '../../src/cli/drill-catalog.ts';
import { drillDeps } from '../../src/cli/wiring.ts';
import { loadConfigFile } from '../../src/config/load.ts';
import { runCli } from '../helpers/cli.ts';
import { kubectl, startTestSim } from '../helpers/lab-sim.ts';
import { engineOn } from '../helpers/runbook-run.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * A lab's own drills and recovery file, as `sandbox.drills.path` and `sandbox.runbooks` bring
 * them in: listed beside the shipped drills (one overriding), checked by `drill check`, a section
 * the lab titles differently mapped, and a drill whose fault is a command of the lab's own
 * injected, recovered by a house-style runbook, and undone.
 */

const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'lab');
const SHIPPED_SECTION = '## Vault unseal + VSO re-auth';
const LAB_SECTION = '## Unseal the vault';

describe("the lab's own drills and recovery file", () => {
  let sim: LabSim;
  let lab: string;
  /** With `sandbox.runbooks.sections` mapping vault-seal to the lab's title; `unmapped` without it. */
  let mapped: string;
  let unmapped: string;

  before(async () => {
    sim = await startTestSim({ seed: 45 });
    await sim.advance(60_000);
    lab = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-own-'));
    fs.cpSync(FIXTURES, lab, { recursive: true });
    // The lab's CLUSTER_RECOVERY.md: the shipped one with one procedure titled its own way.
    const shipped = fs.readFileSync(manifestPath('runbooks/CLUSTER_RECOVERY.md'), 'utf8');
    assert.ok(shipped.includes(SHIPPED_SECTION));
    fs.writeFileSync(path.join(lab, 'runbooks', 'CLUSTER_RECOVERY.md'), shipped.replace(SHIPPED_SECTION, LAB_SECTION));
    const base = parse(fs.readFileSync(sim.files.config, 'utf8'));
    const write = (name: string, sections?: Record<string, string>) => {
      const file = path.join(sim.stateDir, name);
      const sandbox = { ...base.sandbox, runbooks: { path: path.join(lab, 'runbooks'), ...(sections ? { sections } : {}) }, drills: { path: path.join(lab, 'drills') } };
      fs.writeFileSync(file, stringify({ ...base, sandbox }));
      return file;
    };
    mapped = write('lab-mapped.yaml', { 'vault-seal': 'unseal-the-vault' });
    unmapped = write('lab-unmapped.yaml');
  });
  after(async () => {
    await sim.stop();
    fs.rmSync(lab, { recursive: true, force: true });
  });

  /** Runs the CLI while lab-sim's manual clock moves on, as time passes in a real sandbox. */
  async function withClock(argv: string[]) {
    let done = false;
    const cli = runCli(argv).finally(() => (done = true));
    while (!done) {
      await new Promise((r) => setTimeout(r, 20));
      await sim.advance(5_000);
    }
    return cli;
  }

  const journalOf = (rec: DrillRecord): JournalRecord[] => readJournal(rec.journal).records;

  it("drill list: the lab's drills beside the shipped ones, a lab drill replacing the shipped one of its id, sections as the lab maps them", async () => {
    const r = await runCli(['--config', mapped, 'drill', 'list']);
    assert.equal(r.code, 0, r.stderr);
    const row = (id: string) => r.stdout.split('\n').find((l) => l.startsWith(`${id} `))?.split(/\s{2,}/);
    assert.deepEqual(row('traefik-outage')?.slice(0, 3), ['traefik-outage', 'lab', 'infra']);
    assert.deepEqual(row('node-kill')?.slice(0, 4), ['node-kill', 'lab', 'infra', 'node-stop pi2']);
    assert.deepEqual(row('vault-seal')?.slice(0, 5), ['vault-seal', 'shipped', 'vault', 'vault-seal', 'unseal-the-vault']);
    assert.equal(r.stdout.split('\n').filter((l) => l.startsWith('node-kill ')).length, 1, 'the shipped node-kill is replaced, not listed twice');

    const j = await runCli(['--config', mapped, 'drill', 'list', '--json']);
    const drills = JSON.parse(j.stdout) as { id: string; origin: string; title: string; file: string; fault: unknown; cleanup: unknown }[];
    const nodeKill = drills.find((d) => d.id === 'node-kill')!;
    assert.equal(nodeKill.origin, 'lab');
    assert.equal(nodeKill.title, "Node kill (agent pi2, the lab's)");
    assert.equal(nodeKill.file, path.join(lab, 'drills', 'node-kill.yaml'));
    const traefik = drills.find((d) => d.id === 'traefik-outage')!;
    assert.deepEqual(traefik.fault, { kind: 'command', target: 'kubectl -n traefik scale deployment/traefik --replicas=0' });
    assert.deepEqual(traefik.cleanup, [{ kind: 'undo', target: 'kubectl -n traefik scale deployment/traefik --replicas=1' }]);

    const shipped = await runCli(['--config', sim.files.config, 'drill', 'list', '--json']);
    assert.ok((JSON.parse(shipped.stdout) as { origin: string }[]).every((d) => d.origin === 'shipped'), 'without sandbox.drills.path only the shipped drills');
  });

  it('drill check: ok lines for good files; every problem of every broken file with its line, the section that is missing with the closest one', async () => {
    const bad = path.join(lab, 'broken');
    fs.mkdirSync(bad);
    const broken = path.join(bad, 'disk-full.yaml');
    fs.writeFileSync(
      broken,
      [
        'id: disk-full',
        'title: Disk full on pi2',
        'changeClass: storage',
        'steadyState:',
        '  - node.readyy',
        'fault: { kind: disk-fill, target: pi2 }',
        'runbook: { file: INGRESS.md, section: traefik-back }',
        'acceptance:',
        '  - { probe: volume.healthy, volume: 3 }',
        'timeLimit: soon',
        '',
      ].join('\n'),
    );
    const both = path.join(bad, 'both.yaml');
    fs.writeFileSync(both, ['id: both', 'title: Both', 'fault: { kind: node-stop, command: "true", undo: "true" }', 'runbook: { file: INGRESS.md, section: traefik-back }', 'acceptance: [node.ready]', 'timeLimit: 5m', ''].join('\n'));
    const lost = path.join(bad, 'lost-section.yaml');
    fs.writeFileSync(lost, ['id: lost-section', 'title: Lost', 'changeClass: infra', 'steadyState: [node.ready]', 'fault: { command: "true" }', '', 'runbook: { file: INGRESS.md, section: traefik-bak }', 'acceptance: [node.ready]', 'timeLimit: 5m', ''].join('\n'));
    const good = path.join(lab, 'drills', 'traefik-outage.yaml');

    const r = await runCli(['--config', mapped, 'drill', 'check', good, broken, both, lost]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(r.stdout, `${good}: ok, traefik-outage (infra): command kubectl -n traefik scale deployment/traefik --replicas=0, runbook INGRESS.md § traefik-back\n`);
    const lines = r.stderr.trim().split('\n');
    const at = (file: string, line: number) => lines.filter((l) => l.startsWith(`${file}:${line}: `));
    assert.match(at(broken, 5).join(), /steadyState\[0\]: expected a probe, one of node\.ready, .*found "node\.readyy"/);
    assert.match(at(broken, 6).join(), /fault\.kind: expected one of node-stop, power-cut, vault-seal, volume-corrupt, db-drop, bad-sync, ca-reinit, found "disk-fill"/);
    assert.match(at(broken, 9).join(), /volume/);
    assert.match(at(broken, 10).join(), /timeLimit: expected a duration/);
    assert.match(at(both, 3).join(), /fault: expected either \{ kind, target \} or \{ command, undo \}, not both/);
    assert.match(at(both, 1).join(), /steadyState: missing/);
    assert.deepEqual(at(lost, 7), [`${lost}:7: drill lost-section: ${path.join(lab, 'runbooks', 'INGRESS.md')} has no section "traefik-bak"; its sections: traefik-back, look-only (closest: traefik-back; map it with sandbox.runbooks.sections: { lost-section: traefik-back })`]);

    const json = await runCli(['--config', mapped, 'drill', 'check', '--json', good, lost]);
    assert.deepEqual((JSON.parse(json.stdout) as { problems: unknown[] }[]).map((x) => x.problems.length), [0, 1]);
  });

  it('drill check refuses a fault command that names prod (exit 3), as runbook check does', async () => {
    const file = path.join(lab, 'broken', 'prod-fault.yaml');
    fs.writeFileSync(file, ['id: prod-fault', 'title: Prod', 'changeClass: infra', 'steadyState: [node.ready]', 'fault:', '  command: kubectl --context arcodange-prod -n traefik scale deployment/traefik --replicas=0', '  undo: kubectl -n traefik scale deployment/traefik --replicas=1', 'runbook: { file: INGRESS.md, section: traefik-back }', 'acceptance: [node.ready]', 'timeLimit: 5m', ''].join('\n'));
    const r = await runCli(['--config', mapped, 'drill', 'check', file]);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`^${file}:5: command\\.context: .*arcodange-prod.*refused by the isolation guard`, 'm'));
  });

  it("a drill whose section the lab's file lacks fails before anything is injected, naming the file, its sections and the closest", async () => {
    const r = await runCli(['--config', unmapped, 'drill', 'run', 'vault-seal', '--autopilot']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`drill vault-seal: ${path.join(lab, 'runbooks', 'CLUSTER_RECOVERY.md')} has no section "vault-unseal-vso-re-auth"; its sections: node-loss-reschedule, unseal-the-vault, .*\\(closest: unseal-the-vault;`));
    assert.ok(!fs.existsSync(path.join(sim.stateDir, 'evidence', 'runs')) || fs.readdirSync(path.join(sim.stateDir, 'evidence', 'runs')).length === 0, 'no run was started');
    const sealed = JSON.parse(await kubectl(sim, 'get', '--raw', '/api/v1/namespaces/kube-system/configmaps/lab-sandbox-identity')) as { data: Record<string, string> };
    assert.equal(sealed.data.env, 'sandbox');
  });

  it("with sandbox.runbooks.sections the shipped vault-seal drill follows the lab's own section to green", async () => {
    const r = await withClock(['--config', mapped, 'drill', 'run', 'vault-seal', '--autopilot', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const rec = JSON.parse(r.stdout) as DrillRecord;
    assert.equal(rec.outcome, 'passed', rec.reason);
    const started = journalOf(rec).find((x) => x.type === 'run-started');
    assert.ok(started && started.type === 'run-started');
    assert.equal(started.section, 'unseal-the-vault');
    assert.equal(started.runbook, path.join(lab, 'runbooks', 'CLUSTER_RECOVERY.md'));
  });

  it("a lab drill's command fault is injected as a guarded child process, the house-style runbook brings Traefik back, the undo runs as cleanup", async () => {
    const check = await runCli(['--config', mapped, 'runbook', 'check', '--strict', path.join(lab, 'runbooks', 'INGRESS.md')]);
    assert.equal(check.code, 0, check.stderr);
    assert.equal(check.stderr, '', 'the house-style runbook has no warning');

    const r = await withClock(['--config', mapped, 'drill', 'run', 'traefik-outage', '--autopilot', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const rec = JSON.parse(r.stdout) as DrillRecord;
    assert.equal(rec.outcome, 'passed', rec.reason);
    const records = journalOf(rec);
    const fault = records.find((x) => x.type === 'fault-injected');
    assert.deepEqual(fault && fault.type === 'fault-injected' && [fault.kind, fault.target, fault.detail], ['command', 'kubectl -n traefik scale deployment/traefik --replicas=0', 'command: kubectl -n traefik scale deployment/traefik --replicas=0']);
    const symptom = records.find((x) => x.type === 'symptom-detected');
    assert.match(symptom && symptom.type === 'symptom-detected' ? symptom.detail : '', /traefik/);
    const cleanup = records.filter((x) => x.type === 'cleanup');
    assert.deepEqual(cleanup.map((x) => x.type === 'cleanup' && [x.kind, x.ok]), [['undo', true]]);
    const steps = records.filter((x) => x.type === 'step-finished').map((x) => x.type === 'step-finished' && x.status);
    assert.deepEqual(steps, ['done', 'done']);
  });

  it('aborted before the runbook fixed anything, the undo puts Traefik back', async () => {
    const h = await engineOn(sim, () => loadConfigFile(mapped, { PATH: process.env.PATH ?? '', HOME: os.homedir() }));
    try {
      await waitFor(() => h.health.snapshots.get().sources.every((s) => s.status !== 'connecting'), { what: 'the health service has connected', timeoutMs: 10_000 });
      const config = h.sandbox.config;
      const { drill, runbook } = runbookFor(config, findDrill(config, 'traefik-left-down'));
      const d = await runDrill({ drill, runbook, runsDir: h.runsDir, sandbox: 'lab-sim', autopilot: false, pollMs: 20 }, drillDeps(h.sandbox, h.health.snapshots));
      const replicas = async () => (JSON.parse(await kubectl(sim, '-n', 'traefik', 'get', 'deployment', 'traefik', '-o', 'json')) as { spec: { replicas: number } }).spec.replicas;
      assert.equal(await replicas(), 0, 'the fault scaled Traefik away');
      const v = await d.abort();
      assert.equal(v.outcome, 'failed');
      const cleanup = readJournal(v.file).records.filter((x) => x.type === 'cleanup');
      assert.deepEqual(cleanup.map((x) => x.type === 'cleanup' && [x.kind, x.target, x.ok]), [['undo', 'kubectl -n traefik scale deployment/traefik --replicas=1', true]]);
      assert.equal(await replicas(), 1, 'the undo scaled it back');
      await waitFor(
        async () => {
          await sim.advance(5_000);
          const s = (JSON.parse(await kubectl(sim, '-n', 'traefik', 'get', 'deployment', 'traefik', '-o', 'json')) as { status: { readyReplicas?: number } }).status;
          return s.readyReplicas === 1;
        },
        { what: 'Traefik ready again after the undo', timeoutMs: 20_000 },
      );
    } finally {
      await h.stop();
    }
  });
});
