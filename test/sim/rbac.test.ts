import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import type { LabSim } from '../../engine/sim/index.ts';
import { kubectl, startTestSim } from '../helpers/lab-sim.ts';

// lab-sim's API server authorises every non-admin request with RBAC, as k3s' does. Identities are
// ServiceAccounts: TokenRequest tokens, token Secrets, and the state dir's viewer kubeconfig.

interface Answer {
  status: number;
  body: any;
}

function client(sim: LabSim, token: string) {
  const call = async (method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Answer> => {
    const res = await fetch(`${sim.urls.kube}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body: unknown) => call('POST', path, body),
    patch: (path: string, body: unknown) => call('PATCH', path, body, 'application/merge-patch+json'),
    del: (path: string) => call('DELETE', path),
    canI: async (resourceAttributes: object) => (await call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes } })).body,
  };
}

function tokenOf(kubeconfig: string): string {
  return (parse(readFileSync(kubeconfig, 'utf8')) as { users: { user: { token: string } }[] }).users[0]!.user.token;
}

/**
 * The body stock kubectl posts for `args` (protobuf for these kinds), caught by a server that
 * answers 403, so it can be replayed to the sim with a token kubectl would not send over http.
 */
async function kubectlBody(args: string[]): Promise<{ body: Buffer; contentType: string }> {
  let caught: { body: Buffer; contentType: string } | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST') caught = { body: Buffer.concat(chunks), contentType: String(req.headers['content-type']) };
      res.writeHead(req.method === 'POST' ? 403 : 404, { 'content-type': 'application/json' });
      res.end('{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => execFile('kubectl', ['--server', `http://127.0.0.1:${port}`, ...args], { timeout: 20_000 }, resolve));
  server.close();
  assert.ok(caught, `kubectl ${args.join(' ')} posted nothing`);
  return caught;
}

const forbidden = (message: string, details: object) => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Forbidden', code: 403, details });

describe('lab-sim RBAC', () => {
  let sim: LabSim;
  let admin: ReturnType<typeof client>;
  let viewer: ReturnType<typeof client>;
  const VIEWER = 'system:serviceaccount:kube-system:lab-sim-viewer';

  /** A ServiceAccount in `namespace` and a one-hour TokenRequest token for it. */
  const serviceAccount = async (namespace: string, name: string): Promise<ReturnType<typeof client>> => {
    const created = await admin.post(`/api/v1/namespaces/${namespace}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const issued = await admin.post(`/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} });
    assert.equal(issued.status, 201, JSON.stringify(issued.body));
    return client(sim, issued.body.status.token);
  };

  before(async () => {
    sim = await startTestSim();
    admin = client(sim, tokenOf(sim.files.kubeconfig));
    viewer = client(sim, tokenOf(sim.files.viewerKubeconfig));
  });
  after(() => sim.stop());

  it('the viewer kubeconfig lists pods but is refused secrets and Longhorn orphans with the API server\'s Forbidden bodies', async () => {
    assert.equal(statSync(sim.files.viewerKubeconfig).mode & 0o777, 0o600);
    const config = parse(readFileSync(sim.files.viewerKubeconfig, 'utf8'));
    assert.equal(config['current-context'], 'lab-sim-viewer');
    assert.equal(config.clusters[0].cluster.server, sim.urls.kube);
    const pods = await viewer.get('/api/v1/namespaces/erp/pods');
    assert.equal(pods.status, 200);
    assert.ok(pods.body.items.length > 0);
    const secrets = await viewer.get('/api/v1/namespaces/erp/secrets');
    assert.deepEqual(secrets, { status: 403, body: forbidden(`secrets is forbidden: User "${VIEWER}" cannot list resource "secrets" in API group "" in the namespace "erp"`, { kind: 'secrets' }) });
    const orphans = await viewer.get('/apis/longhorn.io/v1beta2/namespaces/longhorn-system/orphans');
    assert.deepEqual(orphans, {
      status: 403,
      body: forbidden(`orphans.longhorn.io is forbidden: User "${VIEWER}" cannot list resource "orphans" in API group "longhorn.io" in the namespace "longhorn-system"`, { group: 'longhorn.io', kind: 'orphans' }),
    });
    const nodes = await viewer.get('/api/v1/nodes');
    assert.deepEqual(nodes.body, forbidden(`nodes is forbidden: User "${VIEWER}" cannot list resource "nodes" in API group "" at the cluster scope`, { kind: 'nodes' }));
    const one = await viewer.get('/api/v1/namespaces/vault/secrets/vault-unseal');
    assert.deepEqual(one.body.details, { name: 'vault-unseal', kind: 'secrets' });
    assert.match(one.body.message, /^secrets "vault-unseal" is forbidden: User ".+" cannot get resource "secrets" in API group "" in the namespace "vault"$/);
  });

  it('lets every authenticated identity discover the API, and nothing else outside it', async () => {
    for (const path of ['/api', '/api/v1', '/apis', '/apis/rbac.authorization.k8s.io/v1', '/version', '/openapi/v3', '/healthz']) {
      assert.equal((await viewer.get(path)).status, 200, path);
    }
    const rbac = (await viewer.get('/apis/rbac.authorization.k8s.io/v1')).body.resources.map((r: { name: string }) => r.name);
    assert.deepEqual(rbac, ['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings']);
    const authz = (await viewer.get('/apis/authorization.k8s.io/v1')).body.resources;
    assert.deepEqual(authz.map((r: { name: string; verbs: string[] }) => [r.name, r.verbs]), [['selfsubjectaccessreviews', ['create']]]);
    const token = (await viewer.get('/api/v1')).body.resources.find((r: { name: string }) => r.name === 'serviceaccounts/token');
    assert.deepEqual({ group: token.group, version: token.version, kind: token.kind, verbs: token.verbs }, { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] });
    const other = await viewer.get('/metrics');
    assert.deepEqual(other.body, forbidden(`forbidden: User "${VIEWER}" cannot get path "/metrics"`, {}));
  });

  it('refuses a watch as `watch`, and an unknown token with 401', async () => {
    const watch = await viewer.get('/api/v1/namespaces/vault/secrets?watch=true');
    assert.equal(watch.status, 403);
    assert.match(watch.body.message, /cannot watch resource "secrets" in API group "" in the namespace "vault"$/);
    const stranger = await client(sim, 'not-a-token').get('/api/v1/namespaces/erp/pods');
    assert.deepEqual(stranger.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  });

  it('answers SelfSubjectAccessReviews for the caller, with RBAC\'s reason when allowed', async () => {
    assert.deepEqual((await viewer.canI({ verb: 'list', resource: 'pods', namespace: 'erp' })).status, {
      allowed: true,
      reason: 'RBAC: allowed by ClusterRoleBinding "lab-sim-viewer" of ClusterRole "view" to ServiceAccount "lab-sim-viewer/kube-system"',
    });
    const denied = await viewer.canI({ verb: 'list', group: 'longhorn.io', resource: 'orphans', namespace: 'longhorn-system' });
    assert.deepEqual(denied, {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { resourceAttributes: { verb: 'list', group: 'longhorn.io', resource: 'orphans', namespace: 'longhorn-system' } },
      status: { allowed: false },
    });
    assert.equal((await admin.canI({ verb: 'delete', resource: 'nodes' })).status.allowed, true);
    const nonResource = await viewer.post('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { spec: { nonResourceAttributes: { path: '/version', verb: 'get' } } });
    assert.deepEqual(nonResource.body.status, { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"' });
    const neither = await viewer.post('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { spec: {} });
    assert.equal(neither.status, 422);
    assert.match(neither.body.message, /exactly one of nonResourceAttributes or resourceAttributes must be specified$/);
  });

  it('scopes a RoleBinding to a ClusterRole to its namespace, and names the missing role', async () => {
    const sa = await serviceAccount('erp', 'reader');
    assert.equal((await sa.get('/api/v1/namespaces/erp/pods')).status, 403);
    const bound = await admin.post('/apis/rbac.authorization.k8s.io/v1/namespaces/erp/rolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'reader-view' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'ServiceAccount', name: 'reader' }],
    });
    assert.equal(bound.status, 201, JSON.stringify(bound.body));
    assert.equal((await sa.get('/api/v1/namespaces/erp/pods')).status, 200);
    assert.equal((await sa.get('/api/v1/namespaces/webapp/pods')).status, 403);
    assert.equal((await sa.get('/api/v1/pods')).status, 403, 'all namespaces is the cluster scope');
    assert.equal((await sa.canI({ verb: 'list', resource: 'pods', namespace: 'erp' })).status.reason, 'RBAC: allowed by RoleBinding "reader-view/erp" of ClusterRole "view" to ServiceAccount "reader/erp"');

    await admin.post('/apis/rbac.authorization.k8s.io/v1/namespaces/erp/rolebindings', {
      metadata: { name: 'dangling' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'gone' },
      subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: 'erp' }],
    });
    const refused = await sa.get('/api/v1/namespaces/erp/secrets');
    assert.equal(refused.body.message, 'secrets is forbidden: User "system:serviceaccount:erp:reader" cannot list resource "secrets" in API group "" in the namespace "erp": RBAC: role.rbac.authorization.k8s.io "gone" not found');
  });

  it('authorises subresources and resourceNames as RBAC does (deployments/scale, pods/log, serviceaccounts/token)', async () => {
    const sa = await serviceAccount('webapp', 'scaler');
    await admin.post('/apis/rbac.authorization.k8s.io/v1/namespaces/webapp/roles', {
      metadata: { name: 'scale-webapp' },
      rules: [
        { apiGroups: ['apps'], resources: ['deployments/scale'], resourceNames: ['webapp'], verbs: ['get', 'patch'] },
        { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
        { apiGroups: [''], resources: ['configmaps'], resourceNames: ['webapp-note'], verbs: ['get', 'list', 'watch'] },
      ],
    });
    await admin.post('/apis/rbac.authorization.k8s.io/v1/namespaces/webapp/rolebindings', { metadata: { name: 'scaler' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'scale-webapp' }, subjects: [{ kind: 'ServiceAccount', name: 'scaler', namespace: 'webapp' }] });

    const scaled = await sa.patch('/apis/apps/v1/namespaces/webapp/deployments/webapp/scale', { spec: { replicas: 1 } });
    assert.equal(scaled.status, 200, JSON.stringify(scaled.body));
    assert.equal(scaled.body.spec.replicas, 1);
    const deployment = await sa.get('/apis/apps/v1/namespaces/webapp/deployments/webapp');
    assert.equal(deployment.body.message, `deployments.apps "webapp" is forbidden: User "system:serviceaccount:webapp:scaler" cannot get resource "deployments" in API group "apps" in the namespace "webapp"`);
    assert.deepEqual(deployment.body.details, { name: 'webapp', group: 'apps', kind: 'deployments' });
    assert.equal((await sa.canI({ verb: 'patch', group: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'webapp', name: 'other' })).status.allowed, false);
    const pods = (await admin.get('/api/v1/namespaces/webapp/pods')).body.items;
    const log = await sa.get(`/api/v1/namespaces/webapp/pods/${pods[0].metadata.name}/log`);
    assert.equal(log.status, 200);
    const token = await sa.post('/api/v1/namespaces/webapp/serviceaccounts/scaler/token', { spec: {} });
    assert.match(token.body.message, /cannot create resource "serviceaccounts\/token" in API group "" in the namespace "webapp"$/);

    // A list of one object by name is authorised for that name.
    assert.equal((await sa.get('/api/v1/namespaces/webapp/configmaps?fieldSelector=metadata.name%3Dwebapp-note')).status, 200);
    assert.equal((await sa.get('/api/v1/namespaces/webapp/configmaps')).status, 403);
  });

  it('issues TokenRequest tokens that follow the sim clock and die with their ServiceAccount', async () => {
    await admin.post('/api/v1/namespaces/erp/serviceaccounts', { metadata: { name: 'short' } });
    const issued = await admin.post('/api/v1/namespaces/erp/serviceaccounts/short/token', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } });
    assert.equal(issued.body.kind, 'TokenRequest');
    assert.equal(issued.body.apiVersion, 'authentication.k8s.io/v1');
    assert.deepEqual(issued.body.spec, { audiences: ['https://kubernetes.default.svc.cluster.local', 'k3s'], expirationSeconds: 600, boundObjectRef: null });
    assert.equal(issued.body.status.expirationTimestamp, new Date(Math.floor(sim.now() / 1000) * 1000 + 600_000).toISOString().replace('.000Z', 'Z'));
    const sa = client(sim, issued.body.status.token);
    assert.equal((await sa.get('/api')).status, 200);
    await sim.advance(600_000);
    assert.equal((await sa.get('/api')).status, 401, 'expired on the sim clock');

    const tooShort = await admin.post('/api/v1/namespaces/erp/serviceaccounts/short/token', { spec: { expirationSeconds: 599 } });
    assert.equal(tooShort.status, 422);
    assert.equal(tooShort.body.message, 'TokenRequest.authentication.k8s.io "short" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes');
    assert.equal((await admin.post('/api/v1/namespaces/erp/serviceaccounts/nobody/token', { spec: {} })).status, 404);

    const fresh = client(sim, (await admin.post('/api/v1/namespaces/erp/serviceaccounts/short/token', { spec: {} })).body.status.token);
    assert.equal((await fresh.get('/api')).status, 200);
    await admin.del('/api/v1/namespaces/erp/serviceaccounts/short');
    assert.equal((await fresh.get('/api')).status, 401, 'deleted ServiceAccount');
    await admin.post('/api/v1/namespaces/erp/serviceaccounts', { metadata: { name: 'short' } });
    assert.equal((await fresh.get('/api')).status, 401, 'a new ServiceAccount of the same name is another identity');
  });

  it('fills a hand-made service-account-token Secret (token controller) and revokes it with the Secret or the ServiceAccount', async () => {
    await admin.post('/api/v1/namespaces/argocd/serviceaccounts', { metadata: { name: 'ci' } });
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ci-token', annotations: { 'kubernetes.io/service-account.name': 'ci' } }, type: 'kubernetes.io/service-account-token' };
    assert.equal((await admin.post('/api/v1/namespaces/argocd/secrets', secret)).status, 201);
    const filled = (await admin.get('/api/v1/namespaces/argocd/secrets/ci-token')).body;
    assert.deepEqual(Object.keys(filled.data).sort(), ['ca.crt', 'namespace', 'token']);
    assert.equal(Buffer.from(filled.data.namespace, 'base64').toString(), 'argocd');
    assert.match(Buffer.from(filled.data['ca.crt'], 'base64').toString(), /^-----BEGIN CERTIFICATE-----\n/);
    const sa = (await admin.get('/api/v1/namespaces/argocd/serviceaccounts/ci')).body;
    assert.equal(filled.metadata.annotations['kubernetes.io/service-account.uid'], sa.metadata.uid);
    const ci = client(sim, Buffer.from(filled.data.token, 'base64').toString());
    assert.equal((await ci.canI({ verb: 'get', resource: 'pods', namespace: 'argocd' })).status.allowed, false);
    assert.equal((await ci.get('/api/v1/namespaces/argocd/pods')).body.message, 'pods is forbidden: User "system:serviceaccount:argocd:ci" cannot list resource "pods" in API group "" in the namespace "argocd"');
    await admin.del('/api/v1/namespaces/argocd/secrets/ci-token');
    assert.equal((await ci.get('/api')).status, 401, 'deleted Secret');

    await admin.post('/api/v1/namespaces/argocd/secrets', { ...secret, metadata: { ...secret.metadata, name: 'ci-token-2' } });
    const second = client(sim, Buffer.from((await admin.get('/api/v1/namespaces/argocd/secrets/ci-token-2')).body.data.token, 'base64').toString());
    assert.equal((await second.get('/api')).status, 200);
    await admin.del('/api/v1/namespaces/argocd/serviceaccounts/ci');
    assert.equal((await second.get('/api')).status, 401, 'deleted ServiceAccount');
    assert.equal((await admin.get('/api/v1/namespaces/argocd/secrets/ci-token-2')).status, 404, 'the tokens controller deletes the Secret of a ServiceAccount that is gone');
  });

  it('takes Roles and bindings from kubectl apply, and kubectl create token as the admin', async () => {
    const file = join(sim.stateDir, 'rbac.yaml');
    writeFileSync(file, [
      'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: lab-tui\n  namespace: erp\n',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: lab-tui\n  namespace: erp\nrules:\n- apiGroups: [""]\n  resources: [pods]\n  verbs: [get, list, watch]\n',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: lab-tui\n  namespace: erp\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: lab-tui\nsubjects:\n- kind: ServiceAccount\n  name: lab-tui\n  namespace: erp\n',
    ].join('---\n'));
    assert.match(await kubectl(sim, 'apply', '-f', file), /serviceaccount\/lab-tui created\nrole.rbac.authorization.k8s.io\/lab-tui created\nrolebinding.rbac.authorization.k8s.io\/lab-tui created/);
    assert.match(await kubectl(sim, 'apply', '-f', file), /role.rbac.authorization.k8s.io\/lab-tui unchanged/);
    assert.match(await kubectl(sim, 'get', 'clusterroles'), /^NAME\s+CREATED AT\n[^]*\nview\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n/);
    assert.match(await kubectl(sim, 'get', 'rolebindings', '-n', 'erp', '-o', 'wide'), /\nlab-tui\s+Role\/lab-tui\s+\S+\s+erp\/lab-tui\n/);
    const token = (await kubectl(sim, 'create', 'token', 'lab-tui', '-n', 'erp', '--duration=20m')).trim();
    const tui = client(sim, token);
    assert.equal((await tui.get('/api/v1/namespaces/erp/pods')).status, 200);
    assert.equal((await tui.get('/api/v1/namespaces/erp/configmaps')).status, 403);
  });

  it('reads the protobuf bodies of kubectl auth can-i and kubectl create token --duration', async () => {
    const replay = async (token: string, path: string, caught: { body: Buffer; contentType: string }) => {
      const res = await fetch(`${sim.urls.kube}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': caught.contentType }, body: caught.body });
      return (await res.json()) as any;
    };
    const viewerToken = tokenOf(sim.files.viewerKubeconfig);
    const ssar = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
    const pods = await kubectlBody(['auth', 'can-i', 'list', 'pods', '-n', 'erp']);
    assert.match(pods.contentType, /^application\/vnd\.kubernetes\.protobuf/);
    assert.deepEqual((await replay(viewerToken, ssar, pods)).status.allowed, true);
    const secrets = await replay(viewerToken, ssar, await kubectlBody(['auth', 'can-i', 'get', 'secrets/vault-token', '-n', 'vault']));
    assert.deepEqual(secrets.spec, { resourceAttributes: { namespace: 'vault', verb: 'get', resource: 'secrets', name: 'vault-token' } });
    assert.equal(secrets.status.allowed, false);
    // Without the sim's discovery kubectl cannot resolve a group: the resource goes as typed.
    const scale = await replay(viewerToken, ssar, await kubectlBody(['auth', 'can-i', 'patch', 'deployments/erp', '--subresource=scale', '-n', 'erp']));
    assert.deepEqual(scale.spec.resourceAttributes, { namespace: 'erp', verb: 'patch', resource: 'deployments', subresource: 'scale', name: 'erp' });
    assert.equal(scale.status.allowed, false);
    const version = await replay(viewerToken, ssar, await kubectlBody(['auth', 'can-i', 'get', '/version']));
    assert.deepEqual(version.spec, { nonResourceAttributes: { path: '/version', verb: 'get' } });
    assert.equal(version.status.allowed, true);

    const issued = await replay(tokenOf(sim.files.kubeconfig), '/api/v1/namespaces/erp/serviceaccounts/lab-tui/token', await kubectlBody(['create', 'token', 'lab-tui', '-n', 'erp', '--duration=20m', '--audience=vault']));
    assert.equal(issued.spec.expirationSeconds, 1200);
    assert.deepEqual(issued.spec.audiences, ['vault']);
  });
});
