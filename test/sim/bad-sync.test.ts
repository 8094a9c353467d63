import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import type { LabSim } from '../../engine/sim/index.ts';
import { control, getJson, kubectl, startTestSim } from '../helpers/lab-sim.ts';
import { git, headerEnv, scratchDir } from '../helpers/git-client.ts';
import { kubeConfigFor } from '../helpers/kube-clients.ts';

interface App {
  status: { sync: { status: string; revision: string }; health: { status: string } };
}

describe('drill argocd-bad-sync', () => {
  let sim: LabSim;
  before(async () => {
    sim = await startTestSim();
  });
  after(() => sim.stop());

  it('a broken ref goes OutOfSync, is auto-synced with prune, degrades; the revert heals it', async () => {
    const kc = kubeConfigFor(sim);
    const core = kc.makeApiClient(CoreV1Api);
    const appsApi = kc.makeApiClient(AppsV1Api);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const app = async () => ((await custom.getNamespacedCustomObject({ group: 'argoproj.io', version: 'v1alpha1', namespace: 'argocd', plural: 'applications', name: 'erp' })) as App).status;
    const configMapExists = () => core.readNamespacedConfigMap({ namespace: 'erp', name: 'erp-settings' }).then(() => true, () => false);
    const auth = headerEnv(`Authorization: token ${readFileSync(sim.files.giteaToken, 'utf8').trim()}`);
    const cloneGitops = async () => {
      const dir = join(scratchDir('bad-sync-'), 'gitops');
      await git(['clone', '--quiet', `${sim.urls.gitea}/arcodange/gitops.git`, dir], { env: auth });
      return dir;
    };
    const branch = () => getJson(`${sim.urls.gitea}/api/v1/repos/arcodange/gitops/branches/main`, { authorization: `token ${readFileSync(sim.files.giteaToken, 'utf8').trim()}` });
    const goodHead = (await branch()).body.commit.id;

    await sim.fault('bad-sync', 'erp');
    const brokenHead = (await branch()).body.commit.id;
    assert.notEqual(brokenHead, goodHead);
    const clone = await cloneGitops();
    assert.equal(await git(['log', '-1', '--format=%H %s'], { cwd: clone }), `${brokenHead} drill(argocd-bad-sync): break erp: image tag that does not exist, ConfigMaps removed`);
    assert.deepEqual((await git(['show', '--format=', '--name-status', 'HEAD'], { cwd: clone })).split('\n'), ['D\tapps/erp/configmap-erp-settings.yaml', 'M\tapps/erp/deployment-erp.yaml']);
    assert.match(await git(['show', 'HEAD:apps/erp/deployment-erp.yaml'], { cwd: clone }), /image: gitea\.arcodange\.lab\/arcodange\/erp:does-not-exist-[0-9a-f]{7}\n/);
    await sim.advance(3_000);
    assert.deepEqual({ sync: (await app()).sync.status, revision: (await app()).sync.revision }, { sync: 'OutOfSync', revision: brokenHead });
    await sim.advance(1_000);
    assert.equal((await app()).sync.status, 'Synced', 'automated sync applied the broken ref');
    assert.equal(await configMapExists(), false, 'prune deleted the ConfigMap the broken ref lacks');
    const image = (await appsApi.readNamespacedDeployment({ namespace: 'erp', name: 'erp' })).spec?.template.spec?.containers[0]?.image;
    assert.match(image ?? '', /:does-not-exist-/);
    await sim.advance(10_000);
    assert.match(await kubectl(sim, 'get', 'pods', '-n', 'erp'), /ImagePullBackOff/);
    assert.match(await kubectl(sim, 'get', 'pods', '-n', 'erp'), /1\/1\s+Running/, 'the old pod keeps serving (maxUnavailable 0)');
    assert.equal((await app()).health.status, 'Progressing');
    await sim.advance(600_000);
    assert.equal((await app()).health.status, 'Degraded', 'progressDeadlineSeconds exceeded');
    assert.equal(sim.state().apps.find((a) => a.name === 'lab-apps')?.health, 'Degraded');

    const revert = await control(sim, '/control/gitops/revert', { app: 'erp' });
    assert.equal(revert.status, 200);
    await git(['pull', '--quiet', '--ff-only'], { cwd: clone, env: auth });
    assert.equal(await git(['log', '-1', '--format=%H%n%B'], { cwd: clone }), `${revert.body.revertCommit}\nRevert "drill(argocd-bad-sync): break erp: image tag that does not exist, ConfigMaps removed"\n\nThis reverts commit ${brokenHead}.`);
    assert.equal(await git(['diff', goodHead, 'HEAD'], { cwd: clone }), '', 'the revert restores the good tree');
    assert.equal((await control(sim, '/control/gitops/revert', { app: 'erp' })).status, 409, 'nothing left to revert');
    await sim.advance(4_000);
    assert.equal((await app()).sync.status, 'Synced');
    assert.equal(await configMapExists(), true);
    await sim.advance(15_000);
    assert.deepEqual([(await app()).sync.status, (await app()).health.status], ['Synced', 'Healthy']);
    assert.match(await kubectl(sim, 'get', 'pods', '-n', 'erp'), /^NAME.*\n\S+\s+1\/1\s+Running\s+0\s+\S+\n$/);
  });

  it('self-heals a hand edit of a managed Deployment', async () => {
    await kubectl(sim, 'set', 'image', 'deployment/webapp', '-n', 'webapp', 'webapp=gitea.arcodange.lab/arcodange/webapp:hotfix');
    await sim.advance(1_000);
    assert.equal(sim.state().apps.find((a) => a.name === 'webapp')?.sync, 'OutOfSync');
    await sim.advance(5_000);
    assert.equal(sim.state().apps.find((a) => a.name === 'webapp')?.sync, 'Synced');
    assert.match(await kubectl(sim, 'get', 'deploy', 'webapp', '-n', 'webapp', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'), /webapp:1\.8\.0$/);
  });
});
