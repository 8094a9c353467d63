import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { LabSim } from '../../engine/sim/index.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { referenceFile } from '../helpers/reference.ts';

interface Property {
  type?: string;
  format?: string;
}
interface OpenApi {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, { properties: Record<string, Property> }> };
}

const openapi = JSON.parse(readFileSync(referenceFile('vault', 'openapi.json'), 'utf8')) as OpenApi;
const facts = (JSON.parse(readFileSync(referenceFile('upstream-facts.json'), 'utf8')) as { vault: Record<string, string[]> }).vault;

/** Keys the schema lacks and values of another type; Go marshals nil maps and slices as null. */
function against(schemaName: string, value: Record<string, unknown>): string[] {
  const properties = openapi.components.schemas[schemaName]?.properties ?? {};
  return Object.entries(value).flatMap(([key, v]) => {
    const p = properties[key];
    if (!p) return [`${key}: not in ${schemaName}`];
    if (v === null) return [];
    const ok = p.type === 'integer' ? Number.isInteger(v) : p.type === 'object' ? typeof v === 'object' && !Array.isArray(v) : p.type === 'array' ? Array.isArray(v) : typeof v === p.type;
    if (!ok) return [`${key}: ${JSON.stringify(v)} is not ${p.type}`];
    return p.format === 'date-time' && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/.test(v as string) ? [`${key}: ${v} is not RFC 3339`] : [];
  });
}

/** What http/sys_health.go always sets (the rest is omitempty: cluster name and id once unsealed, last WAL, licence). */
const HEALTH_ALWAYS = ['initialized', 'sealed', 'standby', 'performance_standby', 'replication_performance_mode', 'replication_dr_mode', 'server_time_utc', 'version', 'enterprise', 'echo_duration_ms', 'clock_skew_ms'];

describe('lab-sim Vault answers, as Vault 1.17 gives them: sys/health codes and flags, seal-status, KV v2', () => {
  let sim: LabSim;
  let root: string;
  before(async () => {
    sim = await startTestSim({ seed: 43 });
    root = (JSON.parse(readFileSync(sim.files.keyFile, 'utf8')) as { root_token: string }).root_token;
  });
  after(() => sim.stop());

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sim.urls.vault}/v1/${path}`, { method, headers: { 'x-vault-token': root }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
  };
  /** The status codes Vault documents for sys/health: the OpenAPI document's, and 473 (performance standby) its API docs add. */
  const documented = [...Object.keys(openapi.paths['/sys/health']?.get?.responses ?? {}).map(Number), 473];

  it('sys/health unsealed: 200 (activecode overrides it), the keys Vault sets, standby flags and codes of states this Vault is never in change nothing', async () => {
    const ok = await call('GET', 'sys/health');
    assert.equal(ok.status, 200);
    assert.ok(documented.includes(ok.status));
    assert.deepEqual(Object.keys(ok.body!).filter((k) => !facts.sysHealthKeys!.includes(k)), []);
    assert.deepEqual([...HEALTH_ALWAYS, 'cluster_name', 'cluster_id'].filter((k) => !(k in ok.body!)), []);
    assert.deepEqual([ok.body!.initialized, ok.body!.sealed, ok.body!.standby, ok.body!.replication_dr_mode], [true, false, false, 'disabled']);
    assert.equal((await call('GET', 'sys/health?activecode=299')).status, 299);
    assert.equal((await call('GET', 'sys/health?standbyok=true&perfstandbyok=1&standbycode=200&drsecondarycode=200&performancestandbycode=200&uninitcode=200&sealedcode=200')).status, 200);
  });

  it('sys/health refuses what Vault refuses: a code that is not an integer or a flag that is not a bool (400, empty errors), a method other than GET/HEAD (405); HEAD has no body', async () => {
    assert.deepEqual(await call('GET', 'sys/health?activecode=ok'), { status: 400, body: { errors: [] } });
    assert.deepEqual(await call('GET', 'sys/health?standbyok=maybe'), { status: 400, body: { errors: [] } });
    assert.equal((await call('POST', 'sys/health', {})).status, 405);
    assert.deepEqual(await call('HEAD', 'sys/health'), { status: 200, body: undefined });
  });

  it('sealed: sys/health 503 (sealedcode overrides it) without the cluster, seal-status as SealStatusResponse; unsealed again by the key', async () => {
    assert.equal((await call('PUT', 'sys/seal')).status, 204);
    const sealed = await call('GET', 'sys/health');
    assert.equal(sealed.status, 503);
    assert.ok(documented.includes(sealed.status));
    assert.deepEqual([sealed.body!.sealed, sealed.body!.standby, 'cluster_name' in sealed.body!, 'cluster_id' in sealed.body!], [true, true, false, false]);
    assert.deepEqual(HEALTH_ALWAYS.filter((k) => !(k in sealed.body!)), []);
    assert.equal((await call('GET', 'sys/health?sealedcode=200&activecode=500')).status, 200);
    const status = await call('GET', 'sys/seal-status');
    assert.deepEqual(against('SealStatusResponse', status.body!), []);
    assert.deepEqual([status.body!.sealed, status.body!.t, status.body!.n, status.body!.type], [true, 1, 1, 'shamir']);
    const key = (JSON.parse(readFileSync(sim.files.keyFile, 'utf8')) as { unseal_keys_b64: string[] }).unseal_keys_b64[0];
    const unsealed = await call('PUT', 'sys/unseal', { key });
    assert.deepEqual(against('UnsealResponse', unsealed.body!), []);
    assert.equal(unsealed.body!.sealed, false);
    const after = await call('GET', 'sys/seal-status');
    assert.deepEqual(against('SealStatusResponse', after.body!), []);
    assert.ok(after.body!.cluster_name && after.body!.cluster_id, 'the cluster is named once unsealed');
  });

  it('KV v2 read: the logical envelope (mount_type kv), data and metadata as KvV2ReadResponse; metadata read as KvV2ReadMetadataResponse', async () => {
    const read = await call('GET', 'secret/data/lab/identity');
    assert.equal(read.status, 200);
    assert.deepEqual(Object.keys(read.body!).sort(), [...facts.responseEnvelopeKeys!].sort());
    assert.equal(read.body!.mount_type, 'kv');
    assert.deepEqual(against('KvV2ReadResponse', read.body!.data), []);
    assert.deepEqual(Object.keys(read.body!.data.metadata).sort(), [...facts.kv2MetadataKeys!].sort());
    assert.deepEqual(against('KvV2WriteResponse', read.body!.data.metadata), [], 'the version metadata is the one a write answers');
    assert.deepEqual(read.body!.data.data, { env: 'sandbox' });

    const meta = await call('GET', 'secret/metadata/lab/identity');
    assert.equal(meta.status, 200);
    assert.equal(meta.body!.mount_type, 'kv');
    assert.deepEqual(Object.keys(meta.body!.data).sort(), Object.keys(openapi.components.schemas.KvV2ReadMetadataResponse!.properties).sort());
    assert.deepEqual(against('KvV2ReadMetadataResponse', meta.body!.data), []);
    assert.deepEqual(Object.keys(meta.body!.data.versions['1']).sort(), ['created_time', 'deletion_time', 'destroyed']);
    assert.deepEqual((await call('GET', 'secret/data/lab/nope')).status, 404);
  });

  it('every logical answer names the mount type that served it', async () => {
    assert.equal((await call('GET', 'auth/token/lookup-self')).body!.mount_type, 'token');
    assert.equal((await call('GET', 'sys/policies/acl?list=true')).body!.mount_type, 'system');
  });
});
