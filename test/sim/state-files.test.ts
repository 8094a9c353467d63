import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import type { LabSim } from '../../engine/sim/index.ts';
import { git } from '../helpers/git-client.ts';
import { startTestSim } from '../helpers/lab-sim.ts';

describe('files lab-sim writes into its state dir', () => {
  let sim: LabSim;
  const stateDir = join(mkdtempSync(join(tmpdir(), 'lab-sim-files-')), 'state');
  before(async () => {
    sim = await startTestSim({ stateDir });
  });
  after(() => sim.stop());

  it('uses one loopback listener per service', () => {
    const ports = Object.values(sim.urls).map((u) => {
      assert.match(u, /^http:\/\/127\.0\.0\.1:\d+$/);
      return new URL(u).port;
    });
    assert.equal(sim.postgres.host, '127.0.0.1');
    assert.equal(new Set([...ports, String(sim.postgres.port)]).size, 6);
  });

  it('writes a kubeconfig with the lab-sim cluster, user and context', () => {
    const kc = parse(readFileSync(sim.files.kubeconfig, 'utf8'));
    assert.equal(kc['current-context'], 'lab-sim');
    assert.deepEqual(kc.contexts, [{ name: 'lab-sim', context: { cluster: 'lab-sim', user: 'lab-sim-operator' } }]);
    assert.equal(kc.clusters[0].name, 'lab-sim');
    assert.equal(kc.clusters[0].cluster.server, sim.urls.kube);
    assert.equal(kc.users[0].name, 'lab-sim-operator');
    assert.match(kc.users[0].user.token, /^lab-sim\.[0-9a-f]{40}$/);
    assert.equal(statSync(sim.files.kubeconfig).mode & 0o777, 0o600);
  });

  it('writes an env file without secrets', () => {
    assert.equal(readFileSync(sim.files.env, 'utf8'), `export KUBECONFIG=${stateDir}/kubeconfig\nexport VAULT_ADDR=${sim.urls.vault}\nexport LAB_SANDBOX_KEY_FILE=${stateDir}/cluster-keys.json\nexport PGHOST=127.0.0.1\nexport PGPORT=${sim.postgres.port}\nexport PGUSER=postgres\n`);
  });

  it('keeps the PostgreSQL password in its own 0600 file', () => {
    assert.equal(sim.files.postgresPassword, `${stateDir}/postgres-password`);
    assert.equal(statSync(sim.files.postgresPassword).mode & 0o777, 0o600);
  });

  it('keeps the Gitea API token in its own 0600 file, seeded, out of the env file', async () => {
    assert.equal(sim.files.giteaToken, `${stateDir}/gitea-token`);
    assert.equal(statSync(sim.files.giteaToken).mode & 0o777, 0o600);
    const token = readFileSync(sim.files.giteaToken, 'utf8');
    assert.match(token, /^[0-9a-f]{40}\n$/);
    assert.ok(!readFileSync(sim.files.env, 'utf8').includes(token.trim()));
    const again = await startTestSim();
    try {
      assert.equal(readFileSync(again.files.giteaToken, 'utf8'), token, 'same seed, same token');
    } finally {
      await again.stop();
    }
  });

  it('writes the lab-tui config.yaml for this sandbox', () => {
    const self = `'${process.execPath}' '${resolve('bin/lab-tui.js')}'`;
    const text = readFileSync(sim.files.config, 'utf8');
    assert.ok(text.startsWith(`# lab-tui configuration for the lab-sim sandbox in ${stateDir}\n`));
    assert.deepEqual(parse(text), {
      sandbox: {
        name: 'lab-sim',
        kubernetes: { kubeconfig: `${stateDir}/kubeconfig`, context: 'lab-sim', server: sim.urls.kube, marker: { namespace: 'kube-system', name: 'lab-sandbox-identity', key: 'env', value: 'sandbox' } },
        vault: { address: sim.urls.vault, keyFile: `${stateDir}/cluster-keys.json`, marker: { mount: 'secret', path: 'lab/identity', key: 'env', value: 'sandbox' } },
        postgres: { host: '127.0.0.1', port: sim.postgres.port, user: 'postgres', database: 'postgres', passwordFile: `${stateDir}/postgres-password` },
        gitea: { url: sim.urls.gitea, owner: 'arcodange', tokenFile: `${stateDir}/gitea-token` },
        runbooks: { path: `${stateDir}/runbooks`, remote: `${sim.urls.gitea}/arcodange/runbooks.git` },
        stepca: { url: sim.urls.stepca, endpoints: sim.tls.endpoints, ingressAddress: sim.tls.traefik },
        dns: { zone: 'sandbox.arcodange.lab' },
        power: { stop: `${self} sim fault node-stop {node} --state-dir '${stateDir}'`, start: `${self} sim fault node-start {node} --state-dir '${stateDir}'` },
        faults: { 'ca-reinit': `${self} sim fault ca-reinit --state-dir '${stateDir}'` },
        evidenceDir: `${stateDir}/evidence`,
        simulator: { control: sim.urls.control },
        recovery: {
          'longhorn.inject-block-device': `${self} sim recover longhorn-inject {volume} --state-dir '${stateDir}'`,
          'postgres.restore': `${self} sim recover postgres-restore {database} --state-dir '${stateDir}'`,
          'argocd.rollback': `${self} sim recover gitops-revert {app} --state-dir '${stateDir}'`,
          'pki.reissue': `${self} sim recover stepca-reissue --state-dir '${stateDir}'`,
        },
      },
      prod: {
        contexts: ['arcodange-prod', 'default'],
        servers: ['https://192.168.1.10:6443'],
        vault: ['https://vault.arcodange.lab', 'http://192.168.1.10:8200'],
        keyFiles: ['~/.arcodange/cluster-keys.json'],
        dnsZones: ['arcodange.lab'],
        postgres: ['192.168.1.12:5432'],
        gitea: ['https://gitea.arcodange.lab'],
        gitRemotes: ['gitea.arcodange.lab'],
      },
    });
  });

  it('keeps Gitea\'s bare repositories under git/<owner>/<repo>.git and a clone of the runbooks one, its origin the sim Gitea', async () => {
    for (const repo of ['gitops', 'runbooks', 'factory']) assert.equal(await git(['rev-parse', '--is-bare-repository'], { cwd: join(stateDir, 'git', 'arcodange', `${repo}.git`) }), 'true');
    const clone = join(stateDir, 'runbooks');
    assert.equal(await git(['remote', 'get-url', 'origin'], { cwd: clone }), `${sim.urls.gitea}/arcodange/runbooks.git`);
    assert.equal(await git(['status', '--porcelain'], { cwd: clone }), '');
    assert.ok(existsSync(join(clone, 'CLUSTER_RECOVERY.md')));
  });

  it('writes control.json for a running sim and removes it on stop', async () => {
    const file = join(stateDir, 'control.json');
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { url: sim.urls.control, pid: process.pid });
    const other = await startTestSim();
    const otherFile = join(other.stateDir, 'control.json');
    assert.ok(existsSync(otherFile));
    await other.stop();
    assert.ok(!existsSync(otherFile));
  });
});
