import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { startLabSim, type LabSim } from '../../engine/sim/index.ts';

let sim: LabSim;
let auth: string;
before(async () => {
  sim = await startLabSim({ clock: 'manual', seed: 2 });
  await sim.advance(60_000);
  auth = `Bearer ${(parse(readFileSync(sim.files.kubeconfig, 'utf8')) as { users: { user: { token: string } }[] }).users[0]!.user.token}`;
});
after(() => sim.stop());

const get = async (path: string) => (await fetch(`${sim.urls.kube}${path}`, { headers: { authorization: auth } })).json() as Promise<{ metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number }; items: { metadata: { name: string; namespace: string } }[] }>;

it('lists in chunks with limit/continue, every item once, one resourceVersion', async () => {
  const whole = await get('/api/v1/pods');
  const names: string[] = [];
  let page = await get('/api/v1/pods?limit=4');
  const rv = page.metadata.resourceVersion;
  assert.ok(page.metadata.continue && page.metadata.remainingItemCount! > 0);
  for (;;) {
    assert.ok(page.items.length <= 4);
    assert.equal(page.metadata.resourceVersion, rv);
    names.push(...page.items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`));
    if (!page.metadata.continue) break;
    page = await get(`/api/v1/pods?limit=4&continue=${page.metadata.continue}`);
  }
  assert.deepEqual(names, whole.items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort());
});

it('refuses a malformed continue token', async () => {
  const res = await fetch(`${sim.urls.kube}/api/v1/pods?limit=2&continue=not-a-token`, { headers: { authorization: auth } });
  assert.equal(res.status, 400);
});
