import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LabSim } from '../../engine/sim/index.ts';
import type { LabConfig } from '../../src/config/types.ts';
import { GuardRefusal } from '../../src/guard/refusal.ts';
import { drillDeps } from '../../src/cli/wiring.ts';
import { runCli } from '../helpers/cli.ts';
import { git } from '../helpers/git-client.ts';
import { kubectl, startTestSim } from '../helpers/lab-sim.ts';
import { engineOn, type EngineHarness } from '../helpers/runbook-run.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * The four faults that once needed lab-sim's control API, injected with lab-sim's configuration
 * minus `sandbox.simulator` (as on a real sandbox), each effect read back through the Kubernetes
 * API, Step-CA and git, and the cleanup undoing it. (The eight drills end to end without the
 * control API: every-drill.test.ts.) `sandbox.faults.ca-reinit` in lab-sim's configuration is
 * `lab-tui sim fault ca-reinit`: lab-sim's Step-CA has no SSH, so its control API stands in for
 * `ssh pi1 step ca init`.
 */

const withoutControlApi = (c: LabConfig): LabConfig => ({ ...c, sandbox: { ...c.sandbox, simulator: undefined } });

type Replica = { metadata: { name: string }; spec: { volumeName: string; dataDirectoryName: string; engineName: string } };
type Orphan = { spec: { parameters: { DataName: string } } };
const items = async <T>(sim: LabSim, resource: string): Promise<T[]> => (JSON.parse(await kubectl(sim, '-n', 'longhorn-system', 'get', resource, '-o', 'json')) as { items: T[] }).items;

describe('faults injected through the real mechanisms, no control API', () => {
  let sim: LabSim;
  let h: EngineHarness;
  let configFile: string;
  before(async () => {
    sim = await startTestSim();
    await sim.advance(60_000);
    h = await engineOn(sim, withoutControlApi);
    await waitFor(() => h.health.snapshots.get().sources.every((s) => s.status !== 'connecting'), { what: 'the health service has connected', timeoutMs: 10_000 });
    configFile = path.join(sim.stateDir, 'no-control.yaml');
    fs.writeFileSync(configFile, fs.readFileSync(sim.files.config, 'utf8').replace(/^ {2}simulator:.*\n/m, ''));
  });
  after(async () => {
    await h?.stop();
    await sim?.stop();
    if (h) fs.rmSync(h.runsDir, { recursive: true, force: true });
    if (sim) fs.rmSync(sim.stateDir, { recursive: true, force: true });
  });

  it('drill list: every drill is injectable with this configuration, each says how', async () => {
    assert.doesNotMatch(fs.readFileSync(configFile, 'utf8'), /simulator/);
    const r = await runCli(['drill', 'list', '--json', '--config', configFile]);
    assert.equal(r.code, 0, r.stderr);
    const list = JSON.parse(r.stdout) as { id: string; injection: { injectable: boolean; method: string } }[];
    assert.equal(list.length, 8);
    assert.deepEqual(list.filter((d) => !d.injection.injectable), []);
    const how = Object.fromEntries(list.map((d) => [d.id, d.injection.method]));
    assert.match(how['power-cut']!, /^sandbox\.power\.stop every node; then every Longhorn volume's Volume\/Engine\/Replica objects deleted and recreated/);
    assert.match(how['pki-reissue']!, /^sandbox\.faults\.ca-reinit: .* sim fault ca-reinit /);
    assert.equal(how['argocd-bad-sync'], 'git push of a broken commit for erp to the branch its Application tracks');
    assert.ok(Object.values(how).every((m) => !/control API|by hand/.test(m)), JSON.stringify(how));
  });

  it('drill list names the missing setting, and drill run refuses with it before anything is checked', async () => {
    const bare = path.join(sim.stateDir, 'no-power.yaml');
    fs.writeFileSync(bare, fs.readFileSync(configFile, 'utf8').replace(/^ {2}(power|faults):.*\n(^ {4}.*\n)*/gm, ''));
    const r = await runCli(['drill', 'list', '--config', bare]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /power-cut .* no: sandbox\.power\.stop is not configured/);
    assert.match(r.stdout, /pki-reissue .* no: sandbox\.faults\.ca-reinit is not configured/);
    const run = await runCli(['drill', 'run', 'node-kill', '--config', bare]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /drill node-kill refused: its fault node-stop cannot be injected on this sandbox: sandbox\.power\.stop is not configured/);
  });

  it('longhorn-corruption: the volume gets new replicas in new directories, the old ones orphaned with their data', async () => {
    const deps = drillDeps(h.sandbox, h.health.snapshots);
    const mine = (rs: Replica[]) => rs.filter((r) => r.spec.volumeName === 'pvc-erp-data');
    const old = mine(await items<Replica>(sim, 'replicas.longhorn.io'));
    assert.equal(old.length, 3);
    const detail = await deps.inject('volume-corrupt', 'pvc-erp-data');
    assert.match(detail, /pvc-erp-data: Volume, 1 Engine\(s\) and 3 Replica\(s\) deleted \(finalizers removed\), Volume created anew$/);
    await sim.advance(1_000);
    const now = mine(await items<Replica>(sim, 'replicas.longhorn.io'));
    assert.equal(now.length, 3);
    for (const r of now) {
      assert.match(r.metadata.name, /^pvc-erp-data-r-[0-9a-f]{8}$/);
      assert.match(r.spec.dataDirectoryName, /^pvc-erp-data-[0-9a-f]{8}$/);
      assert.equal(r.spec.engineName, 'pvc-erp-data-e-0');
      assert.ok(!old.some((o) => o.metadata.name === r.metadata.name || o.spec.dataDirectoryName === r.spec.dataDirectoryName), 'new names, new directories');
    }
    const orphaned = (await items<Orphan>(sim, 'orphans.longhorn.io')).map((o) => o.spec.parameters.DataName).sort();
    assert.deepEqual(orphaned, old.map((r) => r.spec.dataDirectoryName).sort(), 'the old directories are the orphans');
    const volume = JSON.parse(await kubectl(sim, '-n', 'longhorn-system', 'get', 'volumes.longhorn.io', 'pvc-erp-data', '-o', 'json')) as { metadata: { finalizers?: string[] } };
    assert.deepEqual(volume.metadata.finalizers, ['longhorn.io'], 'longhorn-manager owns the new Volume');
  });

  it('argocd-bad-sync: a broken commit pushed with git to the tracked branch, Argo CD syncs it, the cleanup reverts it', async () => {
    const deps = drillDeps(h.sandbox, h.health.snapshots);
    const bare = path.join(sim.stateDir, 'git', 'arcodange', 'gitops.git');
    const head = () => git(['--git-dir', bare, 'log', '-1', '--format=%H %s', 'main']);
    const before = await head();
    const detail = await deps.inject('bad-sync', 'erp');
    const [sha, ...subject] = (await head()).split(' ');
    assert.notEqual(`${sha} ${subject.join(' ')}`, before);
    assert.equal(subject.join(' '), 'drill(argocd-bad-sync): break erp: image tag that does not exist, ConfigMaps removed');
    assert.match(detail, new RegExp(`${sha!.slice(0, 10)} on main of ${sim.urls.gitea}/arcodange/gitops.git`));
    const app = async () => JSON.parse(await kubectl(sim, '-n', 'argocd', 'get', 'applications.argoproj.io', 'erp', '-o', 'json')) as { status?: { sync?: { revision?: string }; health?: { status?: string } } };
    await waitFor(async () => (await sim.advance(5_000), (await app()).status?.sync?.revision === sha), { what: 'Argo CD synced the broken commit', timeoutMs: 20_000 });
    const image = await kubectl(sim, '-n', 'erp', 'get', 'deployment', 'erp', '-o', 'jsonpath={.spec.template.spec.containers[*].image}');
    assert.match(image, /:does-not-exist-/);

    const undone = await deps.cleanup('gitops-revert', 'erp');
    assert.match(undone, new RegExp(`${sha!.slice(0, 10)} reverted by [0-9a-f]{10} on main`));
    const revert = await git(['--git-dir', bare, 'log', '-1', '--format=%B', 'main']);
    assert.match(revert, new RegExp(`This reverts commit ${sha}\\.`));
    await waitFor(async () => (await sim.advance(5_000), !/does-not-exist/.test(await kubectl(sim, '-n', 'erp', 'get', 'deployment', 'erp', '-o', 'jsonpath={.spec.template.spec.containers[*].image}'))), { what: 'Argo CD synced the revert', timeoutMs: 20_000 });
    assert.match(await deps.cleanup('gitops-revert', 'erp'), /^git revert .*: nothing to revert: [0-9a-f]{10} is reverted on main already$/, 'the cleanup is idempotent');
  });

  it('argocd-bad-sync: a prod gitops remote is refused by the guard, nothing pushed', async () => {
    const prod = await engineOn(sim, (c) => ({ ...withoutControlApi(c), sandbox: { ...c.sandbox, simulator: undefined, gitops: { remote: 'https://gitea.arcodange.lab/arcodange/gitops.git' } } }));
    try {
      const bare = path.join(sim.stateDir, 'git', 'arcodange', 'gitops.git');
      const head = await git(['--git-dir', bare, 'rev-parse', 'main']);
      await assert.rejects(drillDeps(prod.sandbox, prod.health.snapshots).inject('bad-sync', 'erp'), (e: unknown) => e instanceof GuardRefusal && /gitea\.arcodange\.lab/.test(e.message));
      assert.equal(await git(['--git-dir', bare, 'rev-parse', 'main']), head);
    } finally {
      await prod.stop();
      fs.rmSync(prod.runsDir, { recursive: true, force: true });
    }
  });

  it('pki-reissue: sandbox.faults.ca-reinit gives Step-CA a new root', async () => {
    const deps = drillDeps(h.sandbox, h.health.snapshots);
    const roots = async () => (await fetch(`${sim.urls.stepca}/roots.pem`)).text();
    const before = await roots();
    assert.match(await deps.inject('ca-reinit'), /^sandbox\.faults\.ca-reinit: .* sim fault ca-reinit /);
    assert.notEqual(await roots(), before);
  });
});

