import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import nodeVault from 'node-vault';
import pg from 'pg';
import type { LabSim } from '../../engine/sim/index.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { pgClient, sql } from '../helpers/sim-postgres.ts';

/** An unsigned projected service-account token: the sim reads the claims, like a TokenReview would. */
function serviceAccountJwt(namespace: string, name: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ iss: 'https://kubernetes.default.svc', 'kubernetes.io': { namespace, serviceaccount: { name } } })}.sig`;
}

const CANARY_POLICY = 'path "database/creds/canary" { capabilities = ["read"] }\n';
const CANARY_STATEMENTS = `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'; GRANT ALL PRIVILEGES ON DATABASE canary TO "{{name}}";`;
const CANARY_REVOCATION = `REVOKE ALL PRIVILEGES ON DATABASE canary FROM "{{name}}"; DROP ROLE IF EXISTS "{{name}}";`;
const AUDIENCE_WARNING = 'This role does not specify an audience. In a future version of Vault, specifying an audience will be required.';

describe('lab-sim Vault: policies, kubernetes and database roles written at runtime', () => {
  let sim: LabSim;
  let root: string;
  /** Raw HTTP, to assert Vault's status codes (204 vs 200) and error bodies exactly. */
  async function call(method: string, path: string, body?: unknown, token = root): Promise<{ status: number; body: any; text: string }> {
    const list = method === 'LIST';
    const res = await fetch(`${sim.urls.vault}/v1/${path}${list ? '?list=true' : ''}`, {
      method: list ? 'GET' : method,
      headers: { 'x-vault-token': token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
  }
  const client = (token: string) => nodeVault({ apiVersion: 'v1', endpoint: sim.urls.vault, token, pathPrefix: '', namespace: '' });
  const login = async (namespace: string, name: string, role = 'canary') =>
    (await client('none').kubernetesLogin({ mount_point: 'kubernetes', role, jwt: serviceAccountJwt(namespace, name) })).auth.client_token as string;
  const pgRoles = async (name: string) => {
    const password = readFileSync(sim.files.postgresPassword, 'utf8').trim();
    const c = new pg.Client({ host: sim.postgres.host, port: sim.postgres.port, user: 'postgres', password, database: 'postgres' });
    await c.connect();
    try {
      return (await c.query('SELECT rolname FROM pg_roles WHERE rolname = $1', [name])).rows.length;
    } finally {
      await c.end();
    }
  };

  /** A real login on pi2's PostgreSQL: null when it gets in, else the server's message. */
  const pgLogin = async (user: string, password: string, database = 'canary') =>
    pgClient(sim, database, { user, password }).then(
      (c) => c.end().then(() => null),
      (e: Error) => e.message,
    );

  before(async () => {
    sim = await startTestSim();
    root = JSON.parse(readFileSync(sim.files.keyFile, 'utf8')).root_token;
    // The app's database, as the canary gate's postgres link makes it before Vault's role.
    await sql(sim, 'postgres', 'CREATE DATABASE canary');
  });
  after(() => sim.stop());

  it('sys/policies/acl: PUT 204, GET and LIST reflect it, DELETE 204; root and default are protected', async () => {
    assert.equal((await call('PUT', 'sys/policies/acl/Canary', { policy: CANARY_POLICY })).status, 204);
    assert.equal((await call('GET', 'sys/policies/acl/canary')).body.data.policy, CANARY_POLICY, 'names are lower-cased');
    assert.deepEqual((await call('LIST', 'sys/policies/acl')).body.data.keys, ['canary', 'default', 'erp', 'lab-tui-readonly', 'webapp', 'root']);
    assert.equal((await call('POST', 'sys/policies/acl/canary', { policy: `${CANARY_POLICY}# v2\n` })).status, 204);
    assert.match((await call('GET', 'sys/policies/acl/canary')).body.data.policy, /# v2/);

    assert.deepEqual((await call('PUT', 'sys/policies/acl/x', {})).body, { errors: ["'policy' parameter not supplied or empty"] });
    assert.deepEqual((await call('PUT', 'sys/policies/acl/x', { policy: 'path "a" { capabilities = ["reed"] }' })).body, { errors: ['failed to parse policy: path "a": invalid capability "reed"'] });
    assert.deepEqual((await call('PUT', 'sys/policies/acl/root', { policy: CANARY_POLICY })), { status: 400, body: { errors: ['cannot update "root" policy'] }, text: JSON.stringify({ errors: ['cannot update "root" policy'] }) });
    assert.deepEqual((await call('DELETE', 'sys/policies/acl/root')).body, { errors: ['cannot delete "root" policy'] });
    assert.deepEqual((await call('DELETE', 'sys/policies/acl/default')).body, { errors: ['cannot delete default policy'] });

    const legacy = await call('PUT', 'sys/policy/legacy', { rules: CANARY_POLICY });
    assert.equal(legacy.status, 200, "'rules' answers with a deprecation warning");
    assert.deepEqual(legacy.body.warnings, ["'rules' is deprecated, please use 'policy' instead"]);
    assert.equal((await call('GET', 'sys/policy/legacy')).body.rules, CANARY_POLICY);
    assert.equal((await call('DELETE', 'sys/policy/legacy')).status, 204);
    assert.equal((await call('DELETE', 'sys/policies/acl/canary')).status, 204);
    assert.equal((await call('GET', 'sys/policies/acl/canary')).status, 404);
  });

  it('auth/kubernetes/role: POST (lists or comma strings, durations), GET like Vault, LIST, DELETE, 404', async () => {
    const deprecated = await call('POST', 'auth/kubernetes/role/canary', { bound_service_account_names: 'canary, canary-job', bound_service_account_namespaces: 'canary', policies: 'canary', ttl: '1h' });
    assert.equal(deprecated.status, 200, 'no audience: Vault answers with a warning');
    assert.deepEqual(deprecated.body.warnings, [AUDIENCE_WARNING]);
    const read = (await call('GET', 'auth/kubernetes/role/canary')).body.data;
    assert.deepEqual(read.bound_service_account_names, ['canary', 'canary-job']);
    assert.deepEqual(read.bound_service_account_namespaces, ['canary']);
    assert.deepEqual([read.token_policies, read.policies, read.token_ttl, read.ttl, read.token_type, read.alias_name_source], [['canary'], ['canary'], 3600, 3600, 'default', 'serviceaccount_uid']);

    const written = await call('POST', 'auth/kubernetes/role/canary', { bound_service_account_names: ['canary'], bound_service_account_namespaces: ['canary'], token_policies: ['canary'], token_ttl: '10m', audience: 'vault' });
    assert.equal(written.status, 204);
    const updated = (await call('GET', 'auth/kubernetes/role/canary')).body.data;
    assert.deepEqual([updated.token_policies, updated.token_ttl, updated.audience, 'policies' in updated, 'ttl' in updated], [['canary'], 600, 'vault', false, false]);
    assert.equal((await call('POST', 'auth/kubernetes/role/canary', { token_ttl: 900 })).status, 204, 'an update keeps the fields it leaves out');
    assert.deepEqual((await call('GET', 'auth/kubernetes/role/canary')).body.data.bound_service_account_names, ['canary']);
    assert.deepEqual((await call('LIST', 'auth/kubernetes/role')).body.data.keys, ['canary', 'erp', 'webapp']);

    assert.deepEqual((await call('POST', 'auth/kubernetes/role/bad', { bound_service_account_namespaces: ['x'] })).body, { errors: ['"bound_service_account_names" can not be empty'] });
    assert.deepEqual((await call('POST', 'auth/kubernetes/role/bad', { bound_service_account_names: ['x'] })).body, { errors: ['"bound_service_account_namespaces" can not be empty if "bound_service_account_namespace_selector" is not set'] });
    assert.equal((await call('POST', 'auth/kubernetes/role/bad', { bound_service_account_names: ['x'], bound_service_account_namespaces: ['x'], token_ttl: 'soon' })).status, 400);
    assert.deepEqual((await call('GET', 'auth/kubernetes/role/bad')).body, { errors: [] });

    assert.equal((await call('DELETE', 'auth/kubernetes/role/canary')).status, 204);
    assert.equal((await call('GET', 'auth/kubernetes/role/canary')).status, 404);
    await assert.rejects(login('canary', 'canary'), /invalid role name "canary"/);
  });

  it('database/roles: POST 204, GET echoes the statements, LIST, DELETE; creds issue for runtime roles only', async () => {
    assert.equal((await call('POST', 'database/roles/canary', { db_name: 'postgres', creation_statements: CANARY_STATEMENTS, default_ttl: '10m', max_ttl: 86400 })).status, 204);
    const role = (await call('GET', 'database/roles/canary')).body.data;
    assert.deepEqual(role, { creation_statements: [CANARY_STATEMENTS], credential_type: 'password', db_name: 'postgres', default_ttl: 600, max_ttl: 86400, renew_statements: [], revocation_statements: [], rollback_statements: [] });
    assert.deepEqual((await call('LIST', 'database/roles')).body.data.keys, ['canary', 'erp', 'webapp']);
    const creds = await call('GET', 'database/creds/canary');
    assert.equal(creds.status, 200);
    assert.equal(creds.body.lease_duration, 600);
    assert.match(creds.body.data.username, /^v-root-canary-[0-9a-f]{20}-\d+$/, "Vault's username template: display name (root), role, random, unix time");
    assert.equal(await pgRoles(creds.body.data.username), 1, 'the dynamic role exists in PostgreSQL');
    assert.equal(await pgLogin(creds.body.data.username, creds.body.data.password), null, 'and logs in to its database');

    assert.deepEqual((await call('POST', 'database/roles/nodb', { creation_statements: [CANARY_STATEMENTS] })).body, { errors: ['database name is required'] });
    // Vault stores a role for any connection name and only fails when issuing, with a 500.
    assert.equal((await call('POST', 'database/roles/elsewhere', { db_name: 'mysql', creation_statements: [CANARY_STATEMENTS] })).status, 204);
    assert.deepEqual(await call('GET', 'database/creds/elsewhere').then((r) => [r.status, r.body.errors[0]]), [500, '1 error occurred:\n\t* failed to find entry for connection with name: "mysql"']);
    assert.equal((await call('POST', 'database/roles/empty', { db_name: 'postgres' })).status, 204);
    assert.deepEqual((await call('GET', 'database/creds/empty')).body.errors, ['1 error occurred:\n\t* empty creation statements']);

    for (const name of ['canary', 'elsewhere', 'empty']) assert.equal((await call('DELETE', `database/roles/${name}`)).status, 204);
    assert.deepEqual(await call('GET', 'database/creds/canary').then((r) => [r.status, r.body.errors]), [400, ['unknown role: canary']]);
    assert.equal((await call('GET', 'database/roles/canary')).status, 404);
  });

  it('a policy and kubernetes role written at runtime let the app log in and read database/creds; a typo in the policy path is a 403', async () => {
    await call('PUT', 'sys/policies/acl/canary', { policy: CANARY_POLICY });
    await call('POST', 'auth/kubernetes/role/canary', { bound_service_account_names: ['canary'], bound_service_account_namespaces: ['canary'], token_policies: ['canary'], token_ttl: '1h', audience: 'vault' });
    await call('POST', 'database/roles/canary', { db_name: 'postgres', creation_statements: [CANARY_STATEMENTS], default_ttl: 600, max_ttl: 3600 });

    const app = client(await login('canary', 'canary'));
    const creds = await app.read('database/creds/canary');
    assert.match(creds.lease_id, /^database\/creds\/canary\//);
    const db = new pg.Client({ host: sim.postgres.host, port: sim.postgres.port, user: creds.data.username, password: creds.data.password, database: 'postgres' });
    await db.connect();
    assert.deepEqual((await db.query('SELECT current_user')).rows, [{ current_user: creds.data.username }], 'the issued credentials log in to PostgreSQL');
    await db.end();
    await assert.rejects(app.read('database/creds/erp'), /permission denied/);
    await assert.rejects(login('default', 'canary'), /permission denied/);

    await call('PUT', 'sys/policies/acl/canary', { policy: 'path "database/creds/canray" { capabilities = ["read"] }' });
    const denied = await call('GET', 'database/creds/canary', undefined, (app as unknown as { token: string }).token);
    assert.equal(denied.status, 403, 'policies apply to tokens already issued');
    assert.deepEqual(denied.body, { errors: ['1 error occurred:\n\t* permission denied\n'] });
    assert.ok(!denied.text.includes((app as unknown as { token: string }).token), 'the token is not echoed');
  });

  it('honours capabilities: list without read, read without create', async () => {
    await call('PUT', 'sys/policies/acl/roles-lister', { policy: 'path "database/roles/*" { capabilities = ["list"] }\npath "auth/kubernetes/role/*" { capabilities = ["read"] }' });
    await call('POST', 'auth/kubernetes/role/lister', { bound_service_account_names: 'lister', bound_service_account_namespaces: 'ops', token_policies: 'roles-lister', audience: 'vault' });
    const token = await login('ops', 'lister', 'lister');
    assert.equal((await call('LIST', 'database/roles', undefined, token)).status, 200);
    assert.equal((await call('GET', 'database/roles/erp', undefined, token)).status, 403);
    assert.equal((await call('GET', 'auth/kubernetes/role/erp', undefined, token)).status, 200);
    assert.equal((await call('POST', 'auth/kubernetes/role/evil', { bound_service_account_names: '*', bound_service_account_namespaces: '*' }, token)).status, 403);
    assert.equal((await call('PUT', 'sys/leases/revoke-prefix/database/creds/erp', {}, token)).status, 403);
  });

  it('sys/leases/revoke and revoke-prefix end leases (204) and drop their PostgreSQL roles: the credentials stop working', async () => {
    await call('POST', 'database/roles/canary', { db_name: 'postgres', creation_statements: [CANARY_STATEMENTS], revocation_statements: [CANARY_REVOCATION], default_ttl: 600, max_ttl: 3600 });
    const [a, b, other] = [await call('GET', 'database/creds/canary'), await call('GET', 'database/creds/canary'), await call('GET', 'database/creds/webapp')];
    assert.equal(await pgLogin(a.body.data.username, a.body.data.password), null);
    assert.equal((await call('PUT', 'sys/leases/revoke', { lease_id: a.body.lease_id })).status, 204);
    assert.equal(await pgRoles(a.body.data.username), 0);
    assert.equal(await pgLogin(a.body.data.username, a.body.data.password), `password authentication failed for user "${a.body.data.username}"`);
    assert.deepEqual((await call('PUT', 'sys/leases/renew', { lease_id: a.body.lease_id })).body, { errors: ['lease not found or lease is not renewable'] });
    assert.deepEqual((await call('PUT', 'sys/leases/revoke', {})).body, { errors: ['lease_id must be specified'] });

    assert.equal((await call('PUT', 'sys/leases/revoke-prefix/database/creds/canary', {})).status, 204);
    assert.equal(await pgRoles(b.body.data.username), 0);
    assert.equal((await call('PUT', 'sys/leases/renew', { lease_id: b.body.lease_id })).status, 400);
    assert.equal((await call('PUT', 'sys/leases/renew', { lease_id: other.body.lease_id })).status, 200, 'leases outside the prefix stay');
    assert.equal(await pgRoles(other.body.data.username), 1);
  });
  it("Vault's default revocation cannot drop a role that holds ALL on another database: the lease stays (500)", async () => {
    await call('POST', 'database/roles/canary', { db_name: 'postgres', creation_statements: [CANARY_STATEMENTS], revocation_statements: [], default_ttl: 600, max_ttl: 3600 });
    const creds = await call('GET', 'database/creds/canary');
    const revoked = await call('PUT', 'sys/leases/revoke', { lease_id: creds.body.lease_id });
    assert.equal(revoked.status, 500);
    assert.match(revoked.body.errors[0], /^1 error occurred:\n\t\* failed to revoke entry: .*role "v-root-canary-[^"]+" cannot be dropped because some objects depend on it \(SQLSTATE 2BP01\)$/);
    assert.equal(await pgRoles(creds.body.data.username), 1, 'the role is still there');
    assert.equal((await call('PUT', 'sys/leases/renew', { lease_id: creds.body.lease_id })).status, 200, 'and so is the lease');
    await call('POST', 'database/roles/canary', { revocation_statements: [CANARY_REVOCATION] });
    assert.equal((await call('PUT', 'sys/leases/revoke', { lease_id: creds.body.lease_id })).status, 204, 'revocation statements that revoke the grant first work');
    assert.equal(await pgRoles(creds.body.data.username), 0);
  });

  it('database/config: the connection reads back without secrets; a role outside allowed_roles gets Vault\'s error', async () => {
    const config = await call('GET', 'database/config/postgres');
    assert.deepEqual(config.body.data, {
      allowed_roles: ['*'],
      connection_details: { connection_url: 'postgresql://{{username}}:{{password}}@10.77.0.12:5432/postgres', username: 'postgres' },
      password_policy: '',
      plugin_name: 'postgresql-database-plugin',
      plugin_version: '',
      root_credentials_rotate_statements: [],
      verify_connection: true,
    });
    assert.deepEqual((await call('LIST', 'database/config')).body.data.keys, ['postgres']);
    assert.equal((await call('POST', 'database/config/postgres', { allowed_roles: 'erp,webapp' })).status, 204, 'fields left out keep their value');
    assert.deepEqual((await call('GET', 'database/config/postgres')).body.data.allowed_roles, ['erp', 'webapp']);
    const refused = await call('GET', 'database/creds/canary');
    assert.deepEqual([refused.status, refused.body.errors], [500, ['1 error occurred:\n\t* "canary" is not an allowed role']]);
    assert.equal((await call('POST', 'database/config/postgres', { allowed_roles: ['erp', 'webapp', 'canary*'] })).status, 204);
    assert.equal((await call('GET', 'database/creds/canary')).status, 200, 'allowed_roles entries are globs');
    assert.deepEqual((await call('POST', 'database/config/other', { allowed_roles: '*' })).body, { errors: ['empty plugin name'] });
    const withPassword = await call('POST', 'database/config/other', { plugin_name: 'postgresql-database-plugin', connection_url: 'postgresql://vault:s3cret@10.77.0.12:5432/postgres' });
    assert.deepEqual(withPassword.body.warnings, ['Password found in connection_url, use a templated url to enable root rotation and prevent read access to password information.']);
    assert.equal((await call('GET', 'database/config/other')).body.data.connection_details.connection_url, 'postgresql://vault:xxxxx@10.77.0.12:5432/postgres');
    assert.equal((await call('DELETE', 'database/config/other')).status, 204);
    await call('POST', 'database/config/postgres', { allowed_roles: '*' });
  });
});
