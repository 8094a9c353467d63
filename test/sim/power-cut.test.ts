import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { crdSchema, undeclared } from '../helpers/crd-schema.ts';
import { AppsV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import nodeVault from 'node-vault';
import type { LabSim } from '../../engine/sim/index.ts';
import { bearerToken, control, kubectl, refused, startTestSim } from '../helpers/lab-sim.ts';
import { kubeConfigFor } from '../helpers/kube-clients.ts';

// Custom objects come back untyped; the assertions read their fields directly.
type Obj = { metadata: { name: string }; spec: Record<string, any>; status: Record<string, any> };
const LH = { group: 'longhorn.io', version: 'v1beta2', namespace: 'longhorn-system' };

async function powerCutAndRestore(sim: LabSim): Promise<void> {
  await sim.fault('power-cut');
  await sim.advance(15 * 60_000);
  await sim.fault('power-restore');
  await sim.advance(2 * 60_000);
}

function clients(sim: LabSim) {
  const kc = kubeConfigFor(sim);
  return { core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api), custom: kc.makeApiClient(CustomObjectsApi) };
}

const scale = (apps: AppsV1Api, namespace: string, name: string, replicas: number) =>
  apps.patchNamespacedDeploymentScale({ name, namespace, body: [{ op: 'replace', path: '/spec/replicas', value: replicas }] });

describe('drill power-cut: cold stop of all three nodes', () => {
  let sim: LabSim;
  before(async () => {
    sim = await startTestSim();
  });
  after(() => sim.stop());

  it('takes every service down and cuts open watches', async () => {
    const { custom } = clients(sim);
    const list = async (plural: string, labelSelector?: string) => ((await custom.listNamespacedCustomObject({ ...LH, plural, labelSelector })) as { items: (Obj & { metadata: { uid: string } })[] }).items;
    const enginesBefore = await list('engines');
    const replicasBefore = await list('replicas');
    const watch = await fetch(`${sim.urls.kube}/api/v1/pods?watch=1`, { headers: { authorization: `Bearer ${bearerToken(sim)}` } });
    const reading = watch.text().then(() => 'ended', () => 'cut');
    await sim.fault('power-cut');
    assert.match(await reading, /ended|cut/);
    for (const url of [sim.urls.kube, sim.urls.vault, sim.urls.gitea, sim.urls.stepca]) assert.ok(await refused(url), `${url} refuses connections`);
    assert.equal(sim.state().postgres.up, false);

    await sim.advance(15 * 60_000);
    await sim.fault('power-restore');
    await sim.advance(2 * 60_000);
    assert.ok(!(await refused(sim.urls.kube)));

    // Longhorn came back with new replicas in new, empty directories (the seeds' "new engine ID"
    // is that directory's suffix); every old directory is now an orphan named by its DataName.
    const engines = await list('engines');
    assert.deepEqual(engines.map((e) => e.metadata.name).sort(), enginesBefore.map((e) => e.metadata.name).sort(), 'engines are `<volume>-e-0` again');
    assert.ok(engines.every((e) => !enginesBefore.some((b) => b.metadata.uid === e.metadata.uid)), 'but every engine is a new object');
    const replicas = await list('replicas');
    assert.equal(replicas.length, 12);
    const oldDirs = replicasBefore.map((r) => `${r.spec.nodeID}/${r.spec.dataDirectoryName}`).sort();
    assert.ok(replicas.every((r) => !oldDirs.includes(`${r.spec.nodeID}/${r.spec.dataDirectoryName}`)), 'every new replica has a new data directory');
    assert.ok(replicas.every((r) => !replicasBefore.some((b) => b.metadata.name === r.metadata.name)), 'and a new name');
    const orphans = await list('orphans');
    assert.deepEqual(orphans.map((o) => `${o.spec.nodeID}/${o.spec.parameters.DataName}`).sort(), oldDirs, 'one orphan per old replica directory, DataName the old directory');
    assert.ok(orphans.every((o) => o.spec.orphanType === 'replica'));
    const diskOf = new Map(replicasBefore.map((r) => [r.spec.nodeID, r.spec.diskID]));
    assert.ok(orphans.every((o) => o.spec.parameters.DiskUUID === diskOf.get(o.spec.nodeID)), "an orphan's DiskUUID is the disk its replica lived on (disk UUIDs outlive a reinstall)");
    const orphanSchema = crdSchema(['longhorn', 'crds-v1.7.2.yaml'], 'Orphan', 'v1beta2');
    assert.deepEqual(orphans.flatMap((o) => undeclared(orphanSchema, 'spec', o.spec)), [], 'every spec field is one Longhorn v1.7.2 has');
    const state = sim.state();
    assert.ok(state.volumes.every((v) => !v.dataIntact && !v.dataLost && v.orphans.every((o) => o.hasData)), 'data only in orphans');

    const vault = nodeVault({ apiVersion: 'v1', endpoint: sim.urls.vault, token: 'none', pathPrefix: '', namespace: '' });
    assert.equal((await vault.status()).sealed, true, 'Vault restarts sealed');
    assert.equal(state.vso.find((s) => s.name === 'erp-db-creds')?.fresh, false, 'VSO secrets are stale');
    assert.match(state.vso.find((s) => s.name === 'erp-db-creds')?.lastError ?? '', /Vault is sealed/);
    const erp = state.pods.find((p) => p.namespace === 'erp');
    assert.equal(erp?.status, 'CrashLoopBackOff', 'ERP (still scaled to 1) crash-loops against a half-recovered platform');
    assert.match(await kubectl(sim, 'logs', '-n', 'erp', erp?.name ?? ''), /FATAL filestore check failed: \/var\/lib\/erp\/filestore is empty/);
    const restarts = erp?.restarts ?? 0;
    await sim.advance(2 * 60_000);
    assert.ok((sim.state().pods.find((p) => p.namespace === 'erp')?.restarts ?? 0) > restarts, 'restarts count up');
  });

  it('returns to green following CLUSTER_RECOVERY.md: Longhorn, unseal, VSO re-auth, ERP last', async () => {
    const { core, apps } = clients(sim);
    await scale(apps, 'erp', 'erp', 0);
    await scale(apps, 'traefik', 'traefik', 0);
    await sim.advance(5_000);

    // 1. Longhorn: block-device injection for every volume whose data is orphaned.
    const blocked = await control(sim, '/control/longhorn/inject-block-device', { volume: 'pvc-erp-data' });
    assert.equal(blocked.status, 200, JSON.stringify(blocked.body));
    for (const volume of ['pvc-traefik-acme', 'backups-rwx', 'pvc-gitops-cache']) {
      const res = await control(sim, '/control/longhorn/inject-block-device', { volume });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    assert.ok(sim.state().volumes.every((v) => v.maintenance));
    await sim.advance(45_000);
    assert.ok(sim.state().volumes.every((v) => v.dataIntact && !v.maintenance), JSON.stringify(sim.state().volumes));
    await scale(apps, 'traefik', 'traefik', 1);

    // 2. Unseal Vault with the single key from cluster-keys.json (threshold 1).
    const keys = JSON.parse(readFileSync(sim.files.keyFile, 'utf8'));
    const vault = nodeVault({ apiVersion: 'v1', endpoint: sim.urls.vault, token: 'none', pathPrefix: '', namespace: '' });
    assert.equal((await vault.unseal({ key: keys.unseal_keys_b64[0] })).sealed, false);

    // 3. VSO re-authenticates on its own (back-off capped at 60 s) and re-issues credentials.
    await sim.advance(60_000);
    const vso = sim.state().vso.find((s) => s.name === 'erp-db-creds');
    assert.equal(vso?.fresh, true, JSON.stringify(vso));

    // 4. ERP last.
    await scale(apps, 'erp', 'erp', 1);
    await sim.advance(15_000);
    const erp = (await core.listNamespacedPod({ namespace: 'erp' })).items.filter((p) => !p.metadata?.deletionTimestamp);
    assert.equal(erp.length, 1);
    assert.equal(erp[0]?.status?.phase, 'Running');
    assert.equal(erp[0]?.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');

    await sim.advance(30_000);
    const state = sim.state();
    assert.ok(state.nodes.every((n) => n.ready));
    assert.ok(state.volumes.every((v) => v.dataIntact), JSON.stringify(state.volumes.map((v) => [v.name, v.dataToken])));
    assert.ok(state.postgres.databases.every((d) => d.intact));
    assert.ok(state.vso.every((s) => s.fresh), JSON.stringify(state.vso));
    assert.deepEqual(state.apps.filter((a) => a.sync !== 'Synced' || a.health !== 'Healthy'), []);
    assert.ok(state.pods.every((p) => p.ready || p.terminating), JSON.stringify(state.pods.filter((p) => !p.ready)));
  });
});

describe('drill power-cut, done wrong', () => {
  let sim: LabSim;
  before(async () => {
    sim = await startTestSim({ seed: 11 });
  });
  after(() => sim.stop());

  it('renaming the orphaned directory leaves a healthy volume with the data gone', async () => {
    const { apps, custom } = clients(sim);
    await powerCutAndRestore(sim);
    await scale(apps, 'erp', 'erp', 0);
    await sim.advance(5_000);
    const res = await control(sim, '/control/longhorn/rename-orphan', { volume: 'pvc-erp-data' });
    assert.equal(res.status, 200);
    assert.equal(res.body.dataLost, true);
    await scale(apps, 'erp', 'erp', 1);
    await sim.advance(10_000);
    const volume = (await custom.getNamespacedCustomObject({ ...LH, plural: 'volumes', name: 'pvc-erp-data' })) as Obj;
    assert.equal(volume.status.robustness, 'healthy');
    const dump = sim.state().volumes.find((v) => v.name === 'pvc-erp-data');
    assert.deepEqual({ intact: dump?.dataIntact, lost: dump?.dataLost, orphans: dump?.orphans.length }, { intact: false, lost: true, orphans: 0 });
    const retry = await control(sim, '/control/longhorn/inject-block-device', { volume: 'pvc-erp-data' });
    assert.equal(retry.status, 409, 'nothing left to inject');
    const erp = sim.state().pods.find((p) => p.namespace === 'erp' && !p.terminating);
    assert.equal(erp?.status, 'CrashLoopBackOff', 'the ERP refuses its empty filestore');
  });
});
