// A brand-new app provisioned end to end through lab-sim's real APIs, as the canary gate does it:
// Gitea repo + manifests, Vault roles, an ArgoCD Application outside the app-of-apps, VSO's
// secret, the pod. Each case names the sandbox behaviour the gate relies on.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { blobId as blobSha } from '../../engine/sim/git/git-objects.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { bearerToken, startTestSim } from '../helpers/lab-sim.ts';

const execFileAsync = promisify(execFile);

const DEPLOY = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: canary
---
apiVersion: secrets.hashicorp.com/v1beta1
kind: VaultAuth
metadata:
  name: canary
spec:
  method: kubernetes
  mount: kubernetes
  kubernetes: { role: canary, serviceAccount: canary, audiences: [vault] }
---
apiVersion: secrets.hashicorp.com/v1beta1
kind: VaultDynamicSecret
metadata:
  name: canary-db-creds
spec:
  vaultAuthRef: canary
  mount: database
  path: creds/canary
  destination: { name: canary-db-creds, create: true }
  rolloutRestartTargets: [{ kind: Deployment, name: canary }]
---
apiVersion: v1
kind: Service
metadata:
  name: canary
spec:
  selector: { app: canary }
  ports: [{ port: 80, targetPort: 8080 }]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: canary
spec:
  replicas: 1
  selector: { matchLabels: { app: canary } }
  template:
    metadata: { labels: { app: canary } }
    spec:
      serviceAccountName: canary
      containers:
        - name: canary
          image: gitea.sandbox.arcodange.lab/arcodange/canary:sandbox
          envFrom: [{ secretRef: { name: canary-db-creds } }]
`;

interface Reply {
  status: number;
  body: any;
}

interface AppStatus {
  sync: { status: string; revision: string };
  health: { status: string };
  resources: { kind: string; name: string; status: string; health?: { status: string } }[];
  operationState?: { phase: string; message: string; syncResult?: { resources: { kind: string; status: string; message: string }[] } };
  conditions?: { type: string; message: string }[];
}

describe('provisioning a new app through lab-sim', () => {
  let sim: LabSim;
  let token: string;
  let rootToken: string;
  let readerToken = '';

  async function call(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const res = await fetch(url, { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': headers['content-type'] ?? 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  const gitea = (method: string, path: string, body?: unknown, auth: string | null = token) => call(`${sim.urls.gitea}/api/v1${path}`, method, body, auth ? { authorization: `token ${auth}` } : {});
  const kube = (method: string, path: string, body?: unknown, contentType?: string) => call(`${sim.urls.kube}${path}`, method, body, { authorization: `Bearer ${bearerToken(sim)}`, ...(contentType ? { 'content-type': contentType } : {}) });
  const vault = (method: string, path: string, body?: unknown) => call(`${sim.urls.vault}/v1/${path}`, method, body, { 'x-vault-token': rootToken });

  const createRepo = async (name: string) => {
    const created = await gitea('POST', '/orgs/arcodange/repos', { name, description: 'canary gate', private: true, auto_init: false, default_branch: 'main' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    // Argo CD's read-only user (made below) is given every later repo through its repo-creds template.
    if (readerToken) assert.equal((await gitea('PUT', `/repos/arcodange/${name}/collaborators/canary-reader`, { permission: 'read' })).status, 204);
    return created.body as { clone_url: string };
  };
  const commit = (repo: string, path: string, text: string) => gitea('POST', `/repos/arcodange/${repo}/contents/${path}`, { content: Buffer.from(text).toString('base64'), message: `add ${path}`, branch: 'main' });
  const application = (name: string, repoURL: string, path: string, namespace: string, finalizers = ['resources-finalizer.argocd.argoproj.io']) =>
    kube('POST', '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name, namespace: 'argocd', finalizers, labels: { 'lab-tui/gate': 'canary' } },
      spec: {
        project: 'default',
        source: { repoURL, path, targetRevision: 'main' },
        destination: { server: 'https://kubernetes.default.svc', namespace },
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] },
      },
    });
  const appStatus = async (name: string) => (await kube('GET', `/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/${name}`)).body.status as AppStatus;
  const get = async (path: string) => (await kube('GET', path)).status;
  const pods = async (namespace: string) => ((await kube('GET', `/api/v1/namespaces/${namespace}/pods`)).body.items as { metadata: { name: string; deletionTimestamp?: string }; status: any }[]).filter((p) => !p.metadata.deletionTimestamp);
  const waiting = (pod: { status: any } | undefined) => pod?.status?.containerStatuses?.[0]?.state?.waiting as { reason: string; message?: string } | undefined;
  const ready = (pod: { status: any } | undefined) => pod?.status?.conditions?.find((c: { type: string }) => c.type === 'Ready')?.status;
  const events = async (namespace: string, name: string) => ((await kube('GET', `/api/v1/namespaces/${namespace}/events?fieldSelector=involvedObject.name=${name}`)).body.items as { reason: string; type: string; message: string; count: number }[]);

  before(async () => {
    sim = await startTestSim();
    token = readFileSync(sim.files.giteaToken, 'utf8').trim();
    rootToken = JSON.parse(readFileSync(sim.files.keyFile, 'utf8')).root_token;
  });
  after(() => sim.stop());

  it('Gitea: an org repo is created empty; duplicates, unknown orgs, bad names and missing tokens are refused', async () => {
    assert.deepEqual((await gitea('POST', '/orgs/arcodange/repos', { name: 'canary' }, null)).body.message, 'token is required');
    assert.equal((await gitea('POST', '/orgs/arcodange/repos', { name: 'canary' }, 'not-the-token')).status, 401);
    assert.equal((await gitea('POST', '/orgs/nobody/repos', { name: 'canary' })).status, 404);
    assert.deepEqual(await gitea('POST', '/orgs/arcodange/repos', { name: 'has space' }), { status: 422, body: [{ fieldNames: ['Name'], classification: 'AlphaDashDotError', message: 'AlphaDashDot' }] });
    assert.equal((await gitea('POST', '/orgs/arcodange/repos', { name: '..' })).body.message, 'name is reserved [name: ..]');

    const repo = await createRepo('canary');
    assert.deepEqual([repo.clone_url, (repo as any).full_name, (repo as any).empty, (repo as any).private, (repo as any).default_branch], [`${sim.urls.gitea}/arcodange/canary.git`, 'arcodange/canary', true, true, 'main']);
    const again = await gitea('POST', '/orgs/arcodange/repos', { name: 'Canary' });
    assert.deepEqual([again.status, again.body.message], [409, 'The repository with the same name already exists.']);
    assert.equal((await gitea('GET', '/repos/arcodange/canary')).body.empty, true);
    assert.equal((await gitea('GET', '/repos/arcodange/canary', undefined, null)).status, 404, 'a private repo is invisible without the token');
    assert.equal((await gitea('GET', '/repos/arcodange/canary/branches/main')).status, 404, 'no branch until the first commit');
    assert.equal((await gitea('GET', '/repos/arcodange/gitops')).body.empty, false, 'the topology repos are unchanged');
  });

  it('Gitea: the contents API commits a file once and reads it back, as a file and in its directory', async () => {
    assert.equal((await gitea('POST', '/repos/arcodange/canary/contents/deploy/canary.yaml', { content: 'eA==' }, null)).status, 404, 'a private repo is invisible without the token, for writes too');
    assert.equal((await gitea('POST', '/repos/arcodange/runbooks/contents/x.md', { content: 'eA==' }, null)).body.message, 'token is required', 'a public one needs it to write');
    assert.equal((await gitea('POST', '/repos/arcodange/nope/contents/deploy/canary.yaml', { content: 'eA==' })).status, 404);
    const created = await commit('canary', 'deploy/canary.yaml', DEPLOY);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual([created.body.content.name, created.body.content.path, created.body.content.type, created.body.content.sha, created.body.content.size], ['canary.yaml', 'deploy/canary.yaml', 'file', blobSha(DEPLOY), DEPLOY.length]);
    assert.match(created.body.commit.sha, /^[0-9a-f]{40}$/);
    assert.equal(created.body.commit.message, 'add deploy/canary.yaml\n');
    const dup = await commit('canary', 'deploy/canary.yaml', DEPLOY);
    assert.deepEqual([dup.status, dup.body.message], [422, 'repository file already exists [path: deploy/canary.yaml]']);

    const file = await gitea('GET', '/repos/arcodange/canary/contents/deploy/canary.yaml?ref=main');
    assert.deepEqual([file.status, file.body.type, file.body.encoding], [200, 'file', 'base64']);
    assert.equal(Buffer.from(file.body.content, 'base64').toString('utf8'), DEPLOY);
    const atCommit = await gitea('GET', `/repos/arcodange/canary/contents/deploy/canary.yaml?ref=${created.body.commit.sha}`);
    assert.equal(atCommit.body.sha, file.body.sha);
    const dir = await gitea('GET', '/repos/arcodange/canary/contents/deploy?ref=main');
    assert.deepEqual(dir.body.map((e: { path: string; type: string; content: unknown }) => [e.path, e.type, e.content]), [['deploy/canary.yaml', 'file', null]]);
    assert.deepEqual((await gitea('GET', '/repos/arcodange/canary/contents')).body.map((e: { path: string; type: string }) => [e.path, e.type]), [['deploy', 'dir']]);
    assert.equal((await gitea('GET', '/repos/arcodange/canary/contents/deplyo?ref=main')).status, 404);
    assert.equal((await gitea('GET', '/repos/arcodange/canary')).body.empty, false);
    assert.equal((await gitea('GET', '/repos/arcodange/canary/branches/main')).body.commit.id, created.body.commit.sha);
  });

  it('Gitea: a repo is deleted with the token (204), then gone (404)', async () => {
    await createRepo('canary-scratch');
    assert.equal((await gitea('DELETE', '/repos/arcodange/canary-scratch', undefined, null)).status, 404, 'invisible without the token');
    assert.equal((await gitea('DELETE', '/repos/arcodange/canary-scratch')).status, 204);
    assert.equal((await gitea('GET', '/repos/arcodange/canary-scratch')).status, 404);
    assert.equal((await gitea('DELETE', '/repos/arcodange/canary-scratch')).status, 404);
  });

  it('Gitea: the admin makes a read-only user for one private repo; its token reads that repo only and cannot push', async () => {
    const reader = { username: 'canary-reader', email: 'canary-reader@sandbox.arcodange.lab', password: 'a-long-passphrase-1', must_change_password: false };
    assert.equal((await gitea('POST', '/admin/users', reader, null)).status, 401);
    const created = await gitea('POST', '/admin/users', reader);
    assert.deepEqual([created.status, created.body.login, created.body.is_admin], [201, 'canary-reader', false]);
    assert.deepEqual((await gitea('POST', '/admin/users', reader)).body.message, 'user already exists [name: canary-reader]');
    assert.equal((await gitea('PUT', '/repos/arcodange/canary/collaborators/canary-reader', { permission: 'read' })).status, 204);
    const basic = `Basic ${Buffer.from(`${reader.username}:${reader.password}`).toString('base64')}`;
    assert.equal((await gitea('POST', '/users/canary-reader/tokens', { name: 'argocd', scopes: ['read:repository'] })).status, 401, 'a token cannot mint tokens: Basic auth only');
    const minted = await call(`${sim.urls.gitea}/api/v1/users/canary-reader/tokens`, 'POST', { name: 'argocd', scopes: ['read:repository'] }, { authorization: basic });
    assert.deepEqual([minted.status, minted.body.scopes, minted.body.token_last_eight], [201, ['read:repository'], minted.body.sha1.slice(-8)]);
    readerToken = minted.body.sha1 as string;

    assert.equal((await gitea('GET', '/repos/arcodange/canary', undefined, readerToken)).status, 200, 'the collaborator sees the repo');
    assert.equal((await gitea('GET', '/repos/arcodange/factory', undefined, readerToken)).status, 404, 'and no other private one');
    assert.equal((await gitea('POST', '/repos/arcodange/canary/contents/x.md', { content: 'eA==' }, readerToken)).body.message, 'token does not have at least one of required scope(s): [write:repository]');
    const url = (auth: string) => `${sim.urls.gitea.replace('://', `://canary-reader:${auth}@`)}/arcodange/canary.git`;
    const git = (...args: string[]) => execFileAsync('git', args, { env: { PATH: process.env.PATH, HOME: tmpdir(), GIT_TERMINAL_PROMPT: '0' } });
    assert.match((await git('ls-remote', url(readerToken), 'refs/heads/main')).stdout, /^[0-9a-f]{40}\trefs\/heads\/main$/m);
    const checkout = mkdtempSync(join(tmpdir(), 'reader-'));
    await git('clone', '-q', url(readerToken), checkout);
    await git('-C', checkout, '-c', 'user.name=r', '-c', 'user.email=r@x', 'commit', '-q', '--allow-empty', '-m', 'not allowed');
    const push = await git('-C', checkout, 'push', '-q', 'origin', 'main').then(() => 'pushed', (e: { stderr: string }) => e.stderr);
    assert.match(push, /403/, 'a read:repository token cannot push');
    assert.match(await git('ls-remote', url('wrong'), 'refs/heads/main').then(() => 'read', (e: { stderr: string }) => e.stderr), /Authentication failed|401/);
  });

  it("ArgoCD: a private repo without a repository credential fails with Argo CD's ComparisonError; the credential fixes it", async () => {
    assert.equal((await application('canary-nocreds', `${sim.urls.gitea}/arcodange/canary.git`, 'deploy', 'canary-nocreds')).status, 201);
    const refused = await appStatus('canary-nocreds');
    assert.equal(refused.sync.status, 'Unknown');
    assert.equal(refused.conditions?.[0]?.type, 'ComparisonError');
    assert.equal(refused.conditions?.[0]?.message, 'Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = failed to list refs: authentication required: Unauthorized');
    assert.equal(await get('/api/v1/namespaces/canary-nocreds'), 404, 'nothing was applied');
    assert.equal((await kube('DELETE', '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/canary-nocreds')).status, 200);

    const credential = async (name: string, type: string, url: string) => {
      const data = { type: 'git', url, username: 'canary-reader', password: readerToken };
      const secret = await kube('POST', '/api/v1/namespaces/argocd/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'argocd', labels: { 'argocd.argoproj.io/secret-type': type } }, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])) });
      assert.equal(secret.status, 201, JSON.stringify(secret.body));
    };
    // One repository credential for the canary repo, and a template for the org's later repos.
    await credential('repo-canary', 'repository', `${sim.urls.gitea}/arcodange/canary.git`);
    await credential('creds-arcodange', 'repo-creds', `${sim.urls.gitea}/arcodange/`);
  });

  it('ArgoCD + VSO: the Application syncs the repo, the pod waits for its Secret, VSO issues it through the new Vault role', async () => {
    const app = await application('canary', `${sim.urls.gitea}/arcodange/canary.git`, 'deploy', 'canary');
    assert.equal(app.status, 201, JSON.stringify(app.body));
    assert.equal((await appStatus('canary')).operationState?.phase, 'Running', 'auto-sync takes about a second');
    await sim.advance(1_000);
    let status = await appStatus('canary');
    assert.equal(status.sync.status, 'Synced');
    assert.equal(status.sync.revision, (await gitea('GET', '/repos/arcodange/canary/branches/main')).body.commit.id);
    assert.equal(status.operationState?.phase, 'Succeeded');
    assert.deepEqual(status.resources.map((r) => `${r.kind}/${r.name}`).sort(), ['Deployment/canary', 'Service/canary', 'ServiceAccount/canary', 'VaultAuth/canary', 'VaultDynamicSecret/canary-db-creds']);
    assert.equal(await get('/api/v1/namespaces/canary'), 200, 'CreateNamespace=true');
    for (const path of ['/api/v1/namespaces/canary/serviceaccounts/canary', '/api/v1/namespaces/canary/services/canary', '/apis/apps/v1/namespaces/canary/deployments/canary']) assert.equal(await get(path), 200, path);

    assert.deepEqual((await kube('GET', '/apis/secrets.hashicorp.com/v1beta1/namespaces/canary/vaultauths/canary')).body.status, { valid: true, error: '' }, 'VSO checked the VaultAuth spec');

    // No Vault role yet: VSO cannot log in, the pod cannot start.
    await sim.advance(10_000);
    const loginErrors = (await events('canary', 'canary-db-creds')).filter((e) => e.reason === 'VaultClientConfigError');
    assert.match(loginErrors[0]?.message ?? '', /^Failed to get Vault auth login: Error making API request\.[\s\S]*auth\/kubernetes\/login[\s\S]*Code: 400[\s\S]*invalid role name "canary"/);
    assert.equal(await get('/api/v1/namespaces/canary/secrets/canary-db-creds'), 404);
    const [stuck] = await pods('canary');
    assert.deepEqual(waiting(stuck), { reason: 'CreateContainerConfigError', message: 'secret "canary-db-creds" not found' });
    status = await appStatus('canary');
    assert.deepEqual([status.sync.status, status.health.status], ['Synced', 'Progressing']);

    assert.equal((await vault('PUT', 'sys/policies/acl/canary', { policy: 'path "database/creds/canary" { capabilities = ["read"] }' })).status, 204);
    assert.ok([200, 204].includes((await vault('POST', 'auth/kubernetes/role/canary', { bound_service_account_names: ['canary'], bound_service_account_namespaces: ['canary'], token_policies: ['canary'], token_ttl: '1h', audience: 'vault' })).status));
    assert.ok([200, 204].includes((await vault('POST', 'database/roles/canary', { db_name: 'postgres', creation_statements: [`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`], default_ttl: '10m', max_ttl: '1h' })).status));
    await sim.advance(60_000);
    assert.equal(await get('/api/v1/namespaces/canary/secrets/canary-db-creds'), 200, 'VSO wrote the Secret after its back-off');
    assert.ok((await events('canary', 'canary-db-creds')).some((e) => e.reason === 'SecretSynced'));
    await sim.advance(20_000);
    const running = await pods('canary');
    assert.equal(running.length, 1);
    assert.deepEqual([running[0]?.status.phase, ready(running[0])], ['Running', 'True']);
    status = await appStatus('canary');
    assert.deepEqual([status.sync.status, status.health.status], ['Synced', 'Healthy']);
    assert.ok(!status.conditions, JSON.stringify(status.conditions));
  });

  it('ArgoCD: a hand edit is reverted by selfHeal; a pushed file is applied after the webhook refresh', async () => {
    await kube('PATCH', '/api/v1/namespaces/canary/services/canary', { spec: { ports: [{ port: 81, targetPort: 8080 }] } }, 'application/merge-patch+json');
    await sim.advance(1_000);
    assert.equal((await appStatus('canary')).sync.status, 'OutOfSync');
    await sim.advance(5_000);
    assert.equal((await appStatus('canary')).sync.status, 'Synced');
    assert.equal((await kube('GET', '/api/v1/namespaces/canary/services/canary')).body.spec.ports[0].port, 80);

    assert.equal((await commit('canary', 'deploy/settings.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: canary-settings\ndata:\n  mode: canary\n')).status, 201);
    await sim.advance(3_000);
    assert.equal((await appStatus('canary')).sync.status, 'OutOfSync', 'the webhook refresh saw the new revision');
    await sim.advance(1_000);
    assert.equal(await get('/api/v1/namespaces/canary/configmaps/canary-settings'), 200);
    assert.equal((await appStatus('canary')).sync.status, 'Synced');
  });

  it('ArgoCD: a path typo, a missing repo and invalid YAML are ComparisonErrors with ArgoCD\'s wording; sync Unknown', async () => {
    const canaryUrl = `${sim.urls.gitea}/arcodange/canary.git`;
    await application('canary-typo', canaryUrl, 'deplyo', 'canary-typo');
    let status = await appStatus('canary-typo');
    assert.equal(status.sync.status, 'Unknown');
    assert.equal(status.conditions?.[0]?.type, 'ComparisonError');
    assert.match(status.conditions?.[0]?.message ?? '', /^Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = deplyo: app path does not exist$/);

    await application('canary-norepo', 'https://gitea.sandbox.arcodange.lab/arcodange/canry.git', 'deploy', 'canary-norepo');
    assert.match((await appStatus('canary-norepo')).conditions?.[0]?.message ?? '', /failed to list refs: repository not found$/);

    await createRepo('canary-broken');
    assert.equal((await commit('canary-broken', 'deploy/app.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n data: [\n')).status, 201);
    await application('canary-broken', `${sim.urls.gitea}/arcodange/canary-broken`, 'deploy', 'canary-broken');
    status = await appStatus('canary-broken');
    assert.equal(status.sync.status, 'Unknown');
    assert.match(status.conditions?.[0]?.message ?? '', /code = FailedPrecondition desc = Failed to unmarshal "app\.yaml": error converting YAML to JSON: yaml: /);
    await sim.advance(5_000);
    assert.equal(await get('/api/v1/namespaces/canary-broken'), 404, 'nothing is applied');
  });

  it('ArgoCD: an unknown kind fails the sync with a clear message and applies nothing', async () => {
    await createRepo('canary-crd');
    await commit('canary-crd', 'deploy/app.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n');
    await application('canary-crd', `${sim.urls.gitea}/arcodange/canary-crd.git`, 'deploy', 'canary-crd');
    await sim.advance(1_000);
    const status = await appStatus('canary-crd');
    assert.equal(status.sync.status, 'OutOfSync');
    assert.equal(status.operationState?.phase, 'Failed');
    assert.match(status.operationState?.message ?? '', /could not find example\.com\/Widget for requested resource canary-crd\/w\. Make sure the "Widget" CRD is installed/);
    assert.equal(status.conditions?.find((c) => c.type === 'SyncError')?.message, status.operationState?.message);
    assert.equal(await get('/api/v1/namespaces/canary-crd/configmaps/fine'), 404);
  });

  it('VSO: a VaultAuth with a wrong role is refused at login, with back-off and no Secret; a missing VaultAuth is named', async () => {
    const vaultAuth = (name: string, role: string, serviceAccount: string) => ({ apiVersion: 'secrets.hashicorp.com/v1beta1', kind: 'VaultAuth', metadata: { name }, spec: { method: 'kubernetes', mount: 'kubernetes', kubernetes: { role, serviceAccount, audiences: ['vault'] } } });
    const vds = (name: string, authRef: string) => ({ apiVersion: 'secrets.hashicorp.com/v1beta1', kind: 'VaultDynamicSecret', metadata: { name }, spec: { vaultAuthRef: authRef, mount: 'database', path: 'creds/canary', destination: { name, create: true } } });
    await kube('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'canary-vso' } });
    await kube('POST', '/apis/secrets.hashicorp.com/v1beta1/namespaces/canary-vso/vaultauths', vaultAuth('typo', 'canray', 'canary'));
    await kube('POST', '/apis/secrets.hashicorp.com/v1beta1/namespaces/canary-vso/vaultdynamicsecrets', vds('typo-creds', 'typo'));
    await kube('POST', '/apis/secrets.hashicorp.com/v1beta1/namespaces/canary-vso/vaultdynamicsecrets', vds('orphan-creds', 'nowhere'));
    await sim.advance(30_000);
    const typo = (await events('canary-vso', 'typo-creds')).filter((e) => e.reason === 'VaultClientConfigError');
    assert.ok((typo[0]?.count ?? 0) >= 3, 'retried with back-off (5 s, 7.5 s, 11.25 s …)');
    assert.match(typo[0]?.message ?? '', /invalid role name "canray"/);
    assert.equal(await get('/api/v1/namespaces/canary-vso/secrets/typo-creds'), 404);
    const orphan = (await events('canary-vso', 'orphan-creds')).find((e) => e.reason === 'VaultClientConfigError');
    assert.equal(orphan?.message, 'Failed to get Vault auth login: VaultAuth.secrets.hashicorp.com "nowhere" not found');
    assert.match(sim.state().vso.find((v) => v.name === 'typo-creds')?.lastError ?? '', /canray/);
  });

  it('ArgoCD: deleting the Application with its finalizer deletes what it deployed (pods, VSO Secret); the namespace stays', async () => {
    assert.equal((await kube('DELETE', '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/canary')).status, 200);
    for (const path of ['/apis/apps/v1/namespaces/canary/deployments/canary', '/api/v1/namespaces/canary/services/canary', '/api/v1/namespaces/canary/configmaps/canary-settings', '/apis/secrets.hashicorp.com/v1beta1/namespaces/canary/vaultdynamicsecrets/canary-db-creds', '/api/v1/namespaces/canary/secrets/canary-db-creds']) {
      assert.equal(await get(path), 404, path);
    }
    await sim.advance(5_000);
    assert.deepEqual(await pods('canary'), []);
    assert.equal((await kube('GET', '/api/v1/namespaces/canary/pods')).body.items.length, 0, 'terminated pods are gone too');
    assert.equal(await get('/api/v1/namespaces/canary'), 200);
    assert.equal((await gitea('DELETE', '/repos/arcodange/canary')).status, 204);
  });

  it('ArgoCD: without the finalizer the resources are left behind; the topology apps are untouched throughout', async () => {
    await createRepo('canary-keep');
    await commit('canary-keep', 'deploy/app.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n');
    await application('canary-keep', `${sim.urls.gitea}/arcodange/canary-keep.git`, 'deploy', 'canary-keep', []);
    await sim.advance(1_000);
    assert.equal(await get('/api/v1/namespaces/canary-keep/configmaps/kept'), 200);
    await kube('DELETE', '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/canary-keep');
    await sim.advance(5_000);
    assert.equal(await get('/api/v1/namespaces/canary-keep/configmaps/kept'), 200, 'orphaned, not deleted');
    const apps = sim.state().apps.filter((a) => !a.name.startsWith('canary'));
    assert.equal(apps.length, 8);
    assert.ok(apps.every((a) => a.sync === 'Synced' && a.health === 'Healthy'), JSON.stringify(apps));
  });

  it('ArgoCD: with Gitea down the dynamic apps are Unknown (connection refused) and re-read the repo once it is back', async () => {
    await sim.fault('node-stop', 'pi2');
    await sim.advance(1_000);
    let status = await appStatus('canary-crd');
    assert.equal(status.sync.status, 'Unknown');
    assert.match(status.conditions?.[0]?.message ?? '', /canary-crd\.git\/info\/refs\?service=git-upload-pack": dial tcp: connect: connection refused$/);
    await sim.fault('node-start', 'pi2');
    await sim.advance(46_000);
    status = await appStatus('canary-crd');
    assert.equal(status.sync.status, 'OutOfSync', 'the Widget still cannot be applied');
    assert.ok(!status.conditions?.some((c) => c.type === 'ComparisonError'));
  });
});
