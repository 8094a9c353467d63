import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { canaryGate } from '../../engine/gates/canary/canary-gate.ts';
import { loadCanaryManifest } from '../../engine/gates/canary/canary-manifest.ts';
import type { GateResult } from '../../engine/gates/gate-result.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { canaryOn, manifestWithTypo } from '../helpers/canary-run.ts';
import { bearerToken, kubectl, startTestSim } from '../helpers/lab-sim.ts';
import { sql } from '../helpers/sim-postgres.ts';
import { waitFor } from '../helpers/wait.ts';

// Per link, in sim time: a broken link costs the test 30 clock steps, not 30 s.
const OPTS = { timeoutMs: 30_000, pollMs: 1000 };

let sim: LabSim;

before(async () => {
  sim = await startTestSim({ seed: 21 });
  await sim.advance(60_000);
});
after(() => sim?.stop());

async function run(manifest?: string, signal?: AbortSignal, login?: { user: string; password: string }, vaultToken?: string, giteaToken?: string): Promise<GateResult> {
  const { deps, sandbox } = await canaryOn(sim, login, vaultToken, giteaToken);
  try {
    return await canaryGate({ ...deps, signal }, loadCanaryManifest(manifest), OPTS);
  } finally {
    await sandbox.postgres()?.close();
  }
}

const rootToken = () => (JSON.parse(fs.readFileSync(sim.files.keyFile, 'utf8')) as { root_token: string }).root_token;

/** One Vault HTTP API call, as an operator's curl would make it. */
async function vaultAs(token: string, method: string, path: string, body?: object): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sim.urls.vault}/v1/${path}`, { method, headers: { ...(token ? { 'x-vault-token': token } : {}), 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

/** One Gitea API call with the sandbox's admin token. */
async function giteaAdmin(method: string, path: string, body?: object): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sim.urls.gitea}/api/v1${path}`, { method, headers: { 'content-type': 'application/json', authorization: `token ${fs.readFileSync(sim.files.giteaToken, 'utf8').trim()}` }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** What a person would find of the canary afterwards, looking at each system directly. */
async function leftovers(): Promise<string[]> {
  const left: string[] = [];
  if ((await fetch(`${sim.urls.gitea}/api/v1/repos/arcodange/canary`)).status !== 404) left.push('gitea repo');
  for (const p of ['sys/policies/acl/canary', 'auth/kubernetes/role/canary', 'database/roles/canary']) if ((await vaultAs(rootToken(), 'GET', p)).status !== 404) left.push(`vault ${p}`);
  if ((await sql(sim, 'postgres', "SELECT 1 FROM pg_database WHERE datname = 'canary'")).length) left.push('pg database');
  if ((await sql(sim, 'postgres', "SELECT 1 FROM pg_roles WHERE rolname = 'canary'")).length) left.push('pg role');
  // Vault's dynamic roles: revoking their leases must have dropped them.
  for (const { rolname } of await sql<{ rolname: string }>(sim, 'postgres', "SELECT rolname FROM pg_roles WHERE rolname LIKE 'v-%-canary-%'")) left.push(`pg role ${rolname}`);
  const apps = await kubectl(sim, 'get', 'applications.argoproj.io', '-n', 'argocd', '-o', 'name');
  if (apps.includes('/canary\n')) left.push('argocd application');
  if ((await kubectl(sim, 'get', 'secrets', '-n', 'argocd', '-o', 'name')).includes('secret/repo-canary\n')) left.push('argocd repository credential');
  if ((await giteaAdmin('GET', '/users/canary-argocd')).status !== 404) left.push('gitea user canary-argocd');
  const inNamespace = await kubectl(sim, 'get', 'pods,deployments,secrets,serviceaccounts', '-n', 'canary', '-o', 'name');
  if (inNamespace.trim()) left.push(`namespace objects: ${inNamespace.trim().replaceAll('\n', ', ')}`);
  return left;
}

function brokenAt(r: GateResult, link: string, observed: RegExp): void {
  assert.equal(r.ok, false, r.summary);
  assert.match(r.summary, new RegExp(`^canary: chain broken at ${link} — `), r.summary);
  const bad = r.checks.find((c) => !c.ok)!;
  assert.ok(bad.name.startsWith(`${link}: `), `first failing check ${bad.name}`);
  assert.match(bad.observed, observed);
  assert.deepEqual(r.checks.at(-1), { name: 'cleanup', expected: 'nothing left behind', observed: 'nothing left behind', ok: true });
}

describe("canary gate against lab-sim (Kubernetes, Vault, Gitea, and its real PostgreSQL)", () => {
  test('the shipped convention resolves end to end, link by link, and leaves nothing behind', async () => {
    const r = await run();
    assert.equal(r.ok, true, JSON.stringify(r, null, 1));
    assert.equal(r.gate, 'canary');
    const links = [...new Set(r.checks.map((c) => c.name.split(':')[0]))];
    assert.deepEqual(links, ['gitea', 'postgres', 'vault', 'argocd', 'vso', 'pod', 'cleanup']);
    assert.ok(r.checks.some((c) => c.name === 'postgres: canary connects to canary' && c.observed === 'logged in as canary'));
    assert.ok(r.checks.some((c) => c.name === 'pod: canary/canary' && c.observed === 'Running with canary-db-creds'));
    assert.ok(r.checks.some((c) => c.name === 'argocd: Application canary' && c.observed === 'Synced/Healthy'));
    assert.ok(r.checks.some((c) => c.name === 'argocd: repository credential for arcodange/canary' && c.ok && /read-only token of canary-argocd/.test(c.observed)));
    assert.ok(!JSON.stringify(r).match(/[0-9a-f]{40}/), 'no token in the result');
    assert.deepEqual(await leftovers(), []);
  });

  test("a Gitea token that is not the site admin's breaks the chain at Gitea and leaves nothing behind", async () => {
    await giteaAdmin('POST', '/admin/users', { username: 'not-admin', email: 'not-admin@x.invalid', password: 'a-long-passphrase-2', must_change_password: false });
    const minted = await fetch(`${sim.urls.gitea}/api/v1/users/not-admin/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('not-admin:a-long-passphrase-2').toString('base64')}` }, body: JSON.stringify({ name: 'x', scopes: ['write:repository'] }) });
    const token = ((await minted.json()) as { sha1: string }).sha1;
    const r = await run(undefined, undefined, undefined, undefined, token);
    assert.equal(r.ok, false);
    assert.match(r.summary, /^canary: chain broken at gitea — gitea: repository arcodange\/canary: HTTP 403/, r.summary);
    assert.deepEqual(await leftovers(), []);
    assert.equal((await giteaAdmin('DELETE', '/admin/users/not-admin?purge=true')).status, 204);
  });

  test('the gate names each broken link, and cleans up after each', async (t) => {
    const cases: [string, () => Promise<GateResult>, RegExp][] = [
      ['gitea', () => run(manifestWithTypo('owner: arcodange', 'owner: arcodagne')), /HTTP 404/],
      ['vault', () => run(manifestWithTypo('path "database/creds/{app}"', 'path "database/creds/canry"')), /grants nothing on database\/creds\/canary/],
      ['argocd', () => run(manifestWithTypo('kind: ServiceAccount', 'kind: ServiceAcount')), /ServiceAcount/],
      ['vso', () => run(manifestWithTypo('role: {app}', 'role: canry')), /missing; VSO: .*canry/],
      ['pod', () => run(manifestWithTypo('secretRef:\n                  name: {app}-db-creds', 'secretRef:\n                  name: {app}-db-cred')), /CreateContainerConfigError: secret "canary-db-cred" not found/],
    ];
    for (const [link, go, observed] of cases) {
      await t.test(link, async () => {
        brokenAt(await go(), link, observed);
        assert.deepEqual(await leftovers(), []);
      });
    }
  });

  test('vault: a connection whose allowed_roles lacks the canary role gets it for the run, and the exact list back afterwards', async () => {
    const allowed = async () => ((await vaultAs(rootToken(), 'GET', 'database/config/postgres')).body as { data: { allowed_roles: string[] } }).data.allowed_roles;
    assert.equal((await vaultAs(rootToken(), 'POST', 'database/config/postgres', { allowed_roles: 'webapp,erp' })).status, 204);
    try {
      const r = await run();
      assert.equal(r.ok, true, r.summary);
      const check = r.checks.find((c) => c.name === 'vault: database/config/postgres allowed_roles');
      assert.deepEqual(check && [check.ok, check.observed], [true, 'canary added for the run (was: webapp, erp)']);
      assert.deepEqual(await allowed(), ['webapp', 'erp'], 'the exact list, in its order');
    } finally {
      await vaultAs(rootToken(), 'POST', 'database/config/postgres', { allowed_roles: '*' });
    }
    assert.deepEqual(await leftovers(), []);
  });

  test('vault: a sandbox token that may not update the connection breaks the chain there, naming the setting', async () => {
    const root = rootToken();
    assert.equal((await vaultAs(root, 'POST', 'database/config/postgres', { allowed_roles: 'erp,webapp' })).status, 204);
    // A token with everything but update on the connection, from a real Vault login.
    const rules = ['sys/policies/acl/*', 'auth/kubernetes/role/*', 'database/roles/*', 'database/creds/*', 'sys/leases/*', 'secret/data/*', 'auth/token/lookup-self'].map((p) => `path "${p}" { capabilities = ["create", "read", "update", "delete", "list", "sudo"] }`).join('\n') + '\npath "database/config/*" { capabilities = ["read"] }';
    for (const [path, body] of [['sys/policies/acl/canary-operator', { policy: rules }], ['auth/kubernetes/role/canary-operator', { bound_service_account_names: ['operator'], bound_service_account_namespaces: ['ops'], token_policies: ['canary-operator'] }]] as const) {
      const written = await vaultAs(root, 'POST', path, body);
      assert.ok(written.status === 200 || written.status === 204, `${path}: ${written.status} ${JSON.stringify(written.body)}`);
    }
    const jwt = `x.${Buffer.from(JSON.stringify({ 'kubernetes.io': { namespace: 'ops', serviceaccount: { name: 'operator' } } })).toString('base64url')}.y`;
    const login = (await vaultAs('', 'POST', 'auth/kubernetes/login', { role: 'canary-operator', jwt })).body as { auth: { client_token: string } };
    try {
      const r = await run(undefined, undefined, undefined, login.auth.client_token);
      brokenAt(r, 'vault', /^HTTP 403: .*permission denied.*: lab-tui may not add canary to it; add it to the connection's allowed_roles, or let the sandbox token update database\/config\/postgres$/s);
      assert.equal(r.checks.find((c) => !c.ok)?.name, 'vault: database/config/postgres allowed_roles');
    } finally {
      await vaultAs(root, 'POST', 'database/config/postgres', { allowed_roles: '*' });
      await vaultAs(root, 'DELETE', 'auth/kubernetes/role/canary-operator');
      await vaultAs(root, 'DELETE', 'sys/policies/acl/canary-operator');
    }
    assert.deepEqual(await leftovers(), []);
  });

  test('postgres: a role the server refuses to let in breaks the chain at the database link', async () => {
    await sql(sim, 'postgres', "CREATE ROLE hba_probe LOGIN PASSWORD 'probe'");
    // An operator's edit of the server's access rules, reloaded as pg_ctl reload would.
    const hba = `${sim.stateDir}/postgres/data/pg_hba.conf`;
    const rules = fs.readFileSync(hba, 'utf8');
    fs.writeFileSync(hba, `host all canary 127.0.0.1/32 reject\nhost all hba_probe 127.0.0.1/32 reject\n${rules}`);
    await sql(sim, 'postgres', 'SELECT pg_reload_conf()');
    // The reload only signals the server: wait until the new rules answer.
    await waitFor(
      async () => {
        const probe = new pg.Client({ host: sim.postgres.host, port: sim.postgres.port, user: 'hba_probe', password: 'probe', database: 'postgres' });
        try {
          await probe.connect();
          await probe.end();
          return false;
        } catch (e) {
          return /pg_hba/.test((e as Error).message);
        }
      },
      { what: 'the reloaded pg_hba.conf refuses hba_probe' },
    );
    try {
      brokenAt(await run(), 'postgres', /pg_hba\.conf rejects connection for host "127\.0\.0\.1", user "canary", database "canary"/);
    } finally {
      fs.writeFileSync(hba, rules);
      await sql(sim, 'postgres', 'SELECT pg_reload_conf()');
      await sql(sim, 'postgres', 'DROP ROLE hba_probe');
    }
    assert.deepEqual(await leftovers(), []);
  });

  test('postgres: an admin role without CREATEDB breaks the chain while provisioning, and names the statement', async () => {
    await sql(sim, 'postgres', "CREATE ROLE ops LOGIN CREATEROLE PASSWORD 'ops-pw'");
    const r = await run(undefined, undefined, { user: 'ops', password: 'ops-pw' });
    brokenAt(r, 'postgres', /permission denied to create database/);
    assert.equal(r.checks.find((c) => !c.ok)?.name, 'postgres: create database canary');
    assert.deepEqual(await leftovers(), []);
  });

  test('Ctrl-C while a link waits stops the chain, still cleans up, and says so', async () => {
    const abort = new AbortController();
    const { deps, sandbox } = await canaryOn(sim);
    let steps = 0;
    const r = await canaryGate(
      {
        ...deps,
        signal: abort.signal,
        sleep: async (ms) => {
          if (++steps === 3) abort.abort();
          await sim.advance(ms);
        },
      },
      loadCanaryManifest(manifestWithTypo('role: {app}', 'role: canry')),
      OPTS,
    ).finally(() => sandbox.postgres()?.close());
    assert.equal(r.ok, false);
    assert.equal(r.summary, 'canary: interrupted; cleaned up');
    assert.deepEqual(await leftovers(), []);
  });

  test('what a killed run left behind is removed before the next run provisions again', async () => {
    const gitea = await fetch(`${sim.urls.gitea}/api/v1/orgs/arcodange/repos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `token ${fs.readFileSync(sim.files.giteaToken, 'utf8').trim()}` },
      body: JSON.stringify({ name: 'canary', private: true }),
    });
    assert.equal(gitea.status, 201);
    await sql(sim, 'postgres', "CREATE ROLE canary LOGIN PASSWORD 'stale'");
    assert.equal((await giteaAdmin('POST', '/admin/users', { username: 'canary-argocd', email: 'c@x.invalid', password: 'a-long-passphrase-3', must_change_password: false })).status, 201);
    const stale = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'repo-canary', namespace: 'argocd', labels: { 'lab-tui/gate': 'canary', 'argocd.argoproj.io/secret-type': 'repository' } }, data: { url: Buffer.from('stale').toString('base64') } };
    const created = await fetch(`${sim.urls.kube}/api/v1/namespaces/argocd/secrets`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearerToken(sim)}` }, body: JSON.stringify(stale) });
    assert.equal(created.status, 201);
    // Killed after it added its role to the connection's allowed_roles.
    assert.equal((await vaultAs(rootToken(), 'POST', 'database/config/postgres', { allowed_roles: 'webapp,erp,canary' })).status, 204);
    try {
      const r = await run();
      assert.equal(r.ok, true, r.summary);
      assert.deepEqual(await leftovers(), []);
      assert.deepEqual(((await vaultAs(rootToken(), 'GET', 'database/config/postgres')).body as { data: { allowed_roles: string[] } }).data.allowed_roles, ['webapp', 'erp']);
    } finally {
      await vaultAs(rootToken(), 'POST', 'database/config/postgres', { allowed_roles: '*' });
    }
  });
});
