// Argo CD reads the private gitops repository with the repository credential the lab gave it (a
// read-only Gitea user's token): without it the app-of-apps cannot compare, as on a real lab.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { LabSim } from '../../engine/sim/index.ts';
import { bearerToken, startTestSim } from '../helpers/lab-sim.ts';

let sim: LabSim;
before(async () => {
  sim = await startTestSim({ seed: 5 });
});
after(() => sim?.stop());

const kube = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${sim.urls.kube}${path}`, { method, headers: { authorization: `Bearer ${bearerToken(sim)}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as any };
};
const app = async (name: string) => (await kube('GET', `/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/${name}`)).body.status as { sync: { status: string }; conditions?: { type: string; message: string }[] };

test("the lab's Argo CD holds a read-only credential for gitops; without it the apps fail with Argo CD's ComparisonError, and recover with it", async () => {
  const secret = await kube('GET', '/api/v1/namespaces/argocd/secrets/repo-gitops');
  assert.equal(secret.status, 200);
  assert.equal(secret.body.metadata.labels['argocd.argoproj.io/secret-type'], 'repository');
  const field = (k: string) => Buffer.from(secret.body.data[k], 'base64').toString('utf8');
  assert.deepEqual([field('type'), field('url'), field('username')], ['git', 'https://gitea.sandbox.arcodange.lab/arcodange/gitops.git', 'argocd']);
  const token = field('password');
  assert.equal((await fetch(`${sim.urls.gitea}/api/v1/repos/arcodange/gitops`, { headers: { authorization: `token ${token}` } })).status, 200, 'it reads gitops');
  assert.equal((await fetch(`${sim.urls.gitea}/api/v1/repos/arcodange/factory`, { headers: { authorization: `token ${token}` } })).status, 404, 'and no other private repo');
  assert.equal((await app('erp')).sync.status, 'Synced');

  assert.equal((await kube('DELETE', '/api/v1/namespaces/argocd/secrets/repo-gitops')).status, 200);
  await sim.advance(1_000);
  const refused = await app('erp');
  assert.equal(refused.sync.status, 'Unknown');
  assert.deepEqual(refused.conditions?.map((c) => [c.type, c.message]), [['ComparisonError', 'Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = failed to list refs: authentication required: Unauthorized']]);

  const { metadata, data, type } = secret.body;
  assert.equal((await kube('POST', '/api/v1/namespaces/argocd/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: metadata.name, namespace: metadata.namespace, labels: metadata.labels }, type, data })).status, 201);
  await sim.advance(5_000);
  const back = await app('erp');
  assert.deepEqual([back.sync.status, back.conditions ?? []], ['Synced', []]);
});
