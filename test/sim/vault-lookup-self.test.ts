import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { LabSim } from '../../engine/sim/index.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { referenceFile } from '../helpers/reference.ts';

const upstream = (JSON.parse(readFileSync(referenceFile('upstream-facts.json'), 'utf8')) as { vault: { tokenLookupSelfKeys: string[] } }).vault.tokenLookupSelfKeys;
/** What handleLookup sets for every token (the rest depends on the token: role, period, CIDRs, lease times…). */
const ALWAYS = ['accessor', 'creation_time', 'creation_ttl', 'display_name', 'entity_id', 'expire_time', 'explicit_max_ttl', 'id', 'meta', 'num_uses', 'orphan', 'path', 'policies', 'ttl', 'type'];

describe('lab-sim Vault auth/token/lookup-self, with the keys Vault 1.17 answers', () => {
  let sim: LabSim;
  before(async () => {
    sim = await startTestSim();
  });
  after(() => sim.stop());

  const lookup = async (token: string) => {
    const res = await fetch(`${sim.urls.vault}/v1/auth/token/lookup-self`, { headers: { 'x-vault-token': token } });
    assert.equal(res.status, 200);
    return ((await res.json()) as { data: Record<string, unknown> }).data;
  };

  it('the root token: every key Vault always sets, none Vault lacks; no expiry', async () => {
    const root = (JSON.parse(readFileSync(sim.files.keyFile, 'utf8')) as { root_token: string }).root_token;
    const data = await lookup(root);
    assert.deepEqual(Object.keys(data).filter((k) => !upstream.includes(k)), []);
    assert.deepEqual(ALWAYS.filter((k) => !(k in data)), []);
    assert.deepEqual([data.path, data.expire_time, data.ttl, data.policies], ['auth/token/root', null, 0, ['root']]);
  });

  it('a kubernetes login token: its lease times too', async () => {
    const jwt = `x.${Buffer.from(JSON.stringify({ 'kubernetes.io': { namespace: 'erp', serviceaccount: { name: 'erp' } } })).toString('base64url')}.y`;
    const login = await fetch(`${sim.urls.vault}/v1/auth/kubernetes/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'erp', jwt }) });
    const token = ((await login.json()) as { auth: { client_token: string } }).auth.client_token;
    const data = await lookup(token);
    assert.deepEqual(Object.keys(data).filter((k) => !upstream.includes(k)), []);
    assert.deepEqual(ALWAYS.filter((k) => !(k in data)), []);
    assert.equal(data.path, 'auth/kubernetes/login');
    assert.ok(typeof data.issue_time === 'string' && typeof data.expire_time === 'string' && (data.ttl as number) > 0, JSON.stringify(data));
  });
});
