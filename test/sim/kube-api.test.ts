import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { LabSim } from '../../engine/sim/index.ts';
import { bearerToken, getJson, kubectl, startTestSim } from '../helpers/lab-sim.ts';
import { kubeConfigFor } from '../helpers/kube-clients.ts';

describe('lab-sim kube API', () => {
  let sim: LabSim;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let custom: CustomObjectsApi;
  before(async () => {
    sim = await startTestSim();
    const kc = kubeConfigFor(sim);
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    custom = kc.makeApiClient(CustomObjectsApi);
  });
  after(() => sim.stop());

  it('stock kubectl lists the three nodes and the pods of every namespace', async () => {
    const out = await kubectl(sim, 'get', 'nodes,pods', '-A', '-o', 'wide');
    const nodes = out.split('\n').filter((l) => l.startsWith('node/'));
    assert.equal(nodes.length, 3, out);
    assert.match(out, /node\/pi1\s+Ready\s+control-plane,master\s+41d\s+v1\.34\.3\+k3s1\s+10\.77\.0\.11/);
    assert.match(out, /erp\s+pod\/erp-[a-z0-9]+-[a-z0-9]{5}\s+1\/1\s+Running\s+0\s+\S+\s+10\.42\.\d+\.\d+\s+pi\d/);
    assert.match(out, /vault\s+pod\/vault-0\s+1\/1\s+Running/);
  });

  it('answers kubectl version, short names and CRD printer columns', async () => {
    const version = JSON.parse(await kubectl(sim, 'version', '-o', 'json'));
    assert.equal(version.serverVersion.gitVersion, 'v1.34.3+k3s1');
    assert.equal(version.serverVersion.platform, 'linux/arm64');
    assert.match(await kubectl(sim, 'get', 'lhv', '-n', 'longhorn-system'), /pvc-erp-data\s+v1\s+attached\s+healthy/);
    assert.match(await kubectl(sim, 'get', 'app', '-n', 'argocd'), /erp\s+Synced\s+Healthy/);
    assert.match(await kubectl(sim, 'get', 'deploy', '-n', 'erp'), /erp\s+1\/1\s+1\s+1/);
    assert.match(await kubectl(sim, 'get', 'cm', '-n', 'kube-system', 'lab-sandbox-identity', '-o', 'jsonpath={.data.env}'), /^sandbox$/);
  });

  it('serves client-node lists with a resourceVersion, and selectors', async () => {
    const nodes = await core.listNode();
    assert.equal(nodes.items.length, 3);
    assert.ok(Number(nodes.metadata?.resourceVersion) > 0);
    assert.equal(nodes.items[0]?.status?.nodeInfo?.architecture, 'arm64');
    const onPi1 = await core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=pi1' });
    assert.ok(onPi1.items.length > 0 && onPi1.items.every((p) => p.spec?.nodeName === 'pi1'));
    const erp = await core.listNamespacedPod({ namespace: 'erp', labelSelector: 'app in (erp)' });
    assert.equal(erp.items.length, 1);
    const byName = await core.listNamespacedPod({ namespace: 'vault', fieldSelector: 'metadata.name=vault-0' });
    assert.deepEqual(byName.items.map((p) => p.metadata?.name), ['vault-0']);
  });

  it('scales a Deployment through the scale subresource (JSON patch), merge patch and kubectl', async () => {
    await apps.patchNamespacedDeploymentScale({ name: 'webapp', namespace: 'webapp', body: [{ op: 'replace', path: '/spec/replicas', value: 1 }] });
    assert.equal((await apps.readNamespacedDeploymentScale({ name: 'webapp', namespace: 'webapp' })).spec?.replicas, 1);
    await apps.patchNamespacedDeployment({ name: 'webapp', namespace: 'webapp', body: { spec: { replicas: 3 } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    assert.equal((await apps.readNamespacedDeployment({ name: 'webapp', namespace: 'webapp' })).spec?.replicas, 3);
    await kubectl(sim, 'scale', 'deployment/webapp', '-n', 'webapp', '--replicas=2');
    const deployment = await apps.readNamespacedDeployment({ name: 'webapp', namespace: 'webapp' });
    assert.equal(deployment.spec?.replicas, 2);
    assert.equal(deployment.metadata?.generation, 4);
  });

  it('lets kubectl apply create and then patch objects (server-side field validation via OpenAPI v3)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-sim-apply-'));
    const file = join(dir, 'cm.yaml');
    const manifest = (value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: drill-note\n  namespace: erp\ndata:\n  step: "${value}"\n`;
    writeFileSync(file, manifest('1'));
    assert.match(await kubectl(sim, 'apply', '-f', file), /configmap\/drill-note created/);
    writeFileSync(file, manifest('2'));
    assert.match(await kubectl(sim, 'apply', '-f', file), /configmap\/drill-note configured/);
    const cm = await core.readNamespacedConfigMap({ namespace: 'erp', name: 'drill-note' });
    assert.equal(cm.data?.step, '2');
    assert.ok(cm.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration']);
    assert.match(await kubectl(sim, 'delete', 'configmap', 'drill-note', '-n', 'erp'), /deleted/);
  });

  it('serves Longhorn, ArgoCD and VSO custom resources', async () => {
    const volumes = (await custom.listNamespacedCustomObject({ group: 'longhorn.io', version: 'v1beta2', namespace: 'longhorn-system', plural: 'volumes' })) as { items: { metadata: { name: string }; status: { robustness: string } }[] };
    assert.equal(volumes.items.find((v) => v.metadata.name === 'pvc-erp-data')?.status.robustness, 'healthy');
    const replicas = (await custom.listNamespacedCustomObject({ group: 'longhorn.io', version: 'v1beta2', namespace: 'longhorn-system', plural: 'replicas', labelSelector: 'longhornvolume=pvc-erp-data' })) as { items: { spec: { nodeID: string; dataDirectoryName: string; engineName: string } }[] };
    assert.deepEqual(replicas.items.map((r) => r.spec.nodeID).sort(), ['pi1', 'pi2', 'pi3']);
    assert.ok(replicas.items.every((r) => r.spec.engineName === 'pvc-erp-data-e-0' && /^pvc-erp-data-[0-9a-f]{8}$/.test(r.spec.dataDirectoryName)));
    assert.equal(new Set(replicas.items.map((r) => r.spec.dataDirectoryName)).size, 3, 'each replica has its own data directory');
    const app = (await custom.getNamespacedCustomObject({ group: 'argoproj.io', version: 'v1alpha1', namespace: 'argocd', plural: 'applications', name: 'erp' })) as { spec: { syncPolicy: { automated: { prune: boolean; selfHeal: boolean } } }; status: { sync: { status: string }; health: { status: string } } };
    assert.deepEqual(app.spec.syncPolicy.automated, { prune: true, selfHeal: true });
    assert.equal(app.status.sync.status, 'Synced');
    const vds = (await custom.getNamespacedCustomObject({ group: 'secrets.hashicorp.com', version: 'v1beta1', namespace: 'erp', plural: 'vaultdynamicsecrets', name: 'erp-db-creds' })) as { status: { secretLease: { id: string; duration: number; renewable: boolean }; lastRenewalTime: number } };
    assert.match(vds.status.secretLease.id, /^database\/creds\/erp\//);
    assert.equal(vds.status.secretLease.duration, 600);
    assert.equal(vds.status.lastRenewalTime, Math.floor(sim.now() / 1000));
  });

  it('answers errors as Status objects with the right HTTP codes', async () => {
    const token = bearerToken(sim);
    const auth = { authorization: `Bearer ${token}` };
    const missing = await getJson(`${sim.urls.kube}/api/v1/namespaces/erp/pods/nope`, auth);
    assert.equal(missing.status, 404);
    assert.deepEqual({ kind: missing.body.kind, reason: missing.body.reason, code: missing.body.code }, { kind: 'Status', reason: 'NotFound', code: 404 });
    const wrongToken = await getJson(`${sim.urls.kube}/api/v1/nodes`, { authorization: 'Bearer prod-token' });
    assert.equal(wrongToken.status, 401);
    assert.equal(wrongToken.body.reason, 'Unauthorized');
    const invalid = await fetch(`${sim.urls.kube}/apis/apps/v1/namespaces/erp/deployments/erp/scale`, { method: 'PATCH', headers: { ...auth, 'content-type': 'application/merge-patch+json' }, body: JSON.stringify({ spec: { replicas: -1 } }) });
    assert.equal(invalid.status, 422);
    const duplicate = await fetch(`${sim.urls.kube}/api/v1/namespaces/erp/configmaps`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ metadata: { name: 'erp-settings' } }) });
    assert.equal(duplicate.status, 409);
    assert.equal(((await duplicate.json()) as { reason: string }).reason, 'AlreadyExists');
    const openapi = await getJson(`${sim.urls.kube}/openapi/v2`, auth);
    assert.equal(openapi.status, 404);
  });
});
