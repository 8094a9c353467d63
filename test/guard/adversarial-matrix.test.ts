import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { startLabSim, type LabSim } from '../../engine/sim/index.ts';
import type { Env } from '../../src/config/paths.ts';
import { loadConfigFile } from '../../src/config/load.ts';
import { openSandbox } from '../../src/guard/sandbox.ts';
import { runCli } from '../helpers/cli.ts';
import { startProdListener, type ProdListener } from '../helpers/prod-listener.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- configs are edited as plain YAML trees */
type Tree = any;

interface World {
  sim: LabSim;
  prod: ProdListener;
  prodVault: ProdListener;
  home: string;
  dir: string;
}

interface Case {
  name: string;
  rule: string;
  /** Edits copies of the sim's config and kubeconfig; returns extra environment. */
  edit(w: World, config: Tree, kubeconfig: Tree, dir: string): Env | void;
}

const prodCluster = (w: World, kubeconfig: Tree) => {
  kubeconfig.clusters[0].cluster.server = w.prod.url;
};

const CASES: Case[] = [
  { name: 'sandbox context is on the prod context list', rule: 'prod.contexts', edit: (_w, c) => void c.prod.contexts.push('lab-sim') },
  {
    name: 'KUBECONFIG current context is prod',
    rule: 'env.KUBECONFIG',
    edit: (w, _c, _k, dir) => {
      const file = path.join(dir, 'prod-kubeconfig');
      fs.writeFileSync(file, stringify({ apiVersion: 'v1', kind: 'Config', 'current-context': 'arcodange-prod', contexts: [{ name: 'arcodange-prod', context: { cluster: 'prod', user: 'admin' } }], clusters: [{ name: 'prod', cluster: { server: w.prod.url } }], users: [{ name: 'admin', user: { token: 'x' } }] }));
      return { KUBECONFIG: file };
    },
  },
  {
    name: 'KUBECONFIG lists several files and the first has a prod current context',
    rule: 'env.KUBECONFIG',
    edit: (w, c, _k, dir) => {
      const file = path.join(dir, 'first');
      fs.writeFileSync(file, stringify({ 'current-context': 'default', contexts: [{ name: 'default', context: { cluster: 'p', user: 'u' } }], clusters: [{ name: 'p', cluster: { server: w.prod.url } }], users: [{ name: 'u', user: {} }] }));
      return { KUBECONFIG: `${file}:${c.sandbox.kubernetes.kubeconfig}` };
    },
  },
  {
    name: 'a context named like the sandbox whose server is prod (deny-listed)',
    rule: 'prod.servers',
    edit: (w, c, k) => {
      prodCluster(w, k);
      c.prod.servers.push(w.prod.url);
    },
  },
  { name: 'a context named like the sandbox whose server is prod (not deny-listed)', rule: 'kubeconfig.server', edit: (w, _c, k) => prodCluster(w, k) },
  {
    name: 'configured server is a deny-listed prod server',
    rule: 'prod.servers',
    edit: (w, c, k) => {
      c.sandbox.kubernetes.server = w.prod.url;
      prodCluster(w, k);
      c.prod.servers.push(w.prod.url);
    },
  },
  {
    name: 'deny-list entry differs only by scheme/host case and trailing slash',
    rule: 'prod.servers',
    edit: (w, c, k) => {
      c.sandbox.kubernetes.server = `${w.prod.url}/`;
      prodCluster(w, k);
      c.prod.servers.push(`HTTP://127.0.0.1:${w.prod.port}`);
    },
  },
  {
    name: 'deny-list entry differs by a trailing dot on the host',
    rule: 'prod.servers',
    edit: (w, c, k) => {
      c.sandbox.kubernetes.server = `http://127.0.0.1.:${w.prod.port}`;
      prodCluster(w, k);
      c.prod.servers.push(w.prod.url);
    },
  },
  {
    name: 'deny-list entry uses the explicit default port',
    rule: 'prod.servers',
    edit: (_w, c, k) => {
      c.sandbox.kubernetes.server = 'https://K8S.arcodange.lab/';
      k.clusters[0].cluster.server = 'https://k8s.arcodange.lab';
      c.prod.servers.push('https://k8s.arcodange.lab:443');
    },
  },
  {
    name: 'kubeconfig server differs from the configured one only by port',
    rule: 'kubeconfig.server',
    edit: (w, _c, k) => {
      k.clusters[0].cluster.server = `http://127.0.0.1:${w.prod.port}`;
    },
  },
  {
    name: 'sandbox key file is a symlink to the prod key',
    rule: 'prod.keyFiles',
    edit: (w, c, _k, dir) => {
      const prodKey = path.join(w.home, 'prod-keys.json');
      fs.writeFileSync(prodKey, '{"unseal_keys_b64":["prod"],"root_token":"prod"}');
      fs.symlinkSync(prodKey, path.join(dir, 'innocent-keys.json'));
      c.sandbox.vault.keyFile = path.join(dir, 'innocent-keys.json');
      c.prod.keyFiles.push(prodKey);
    },
  },
  {
    name: 'sandbox key file is the prod key file itself',
    rule: 'prod.keyFiles',
    edit: (_w, c) => {
      c.prod.keyFiles.push(c.sandbox.vault.keyFile);
    },
  },
  {
    name: 'sandbox key file is the seeds\' prod key (~/.arcodange/cluster-keys.json) not on the list',
    rule: 'prod.keyFiles',
    edit: (w, c) => {
      fs.mkdirSync(path.join(w.home, '.arcodange'), { recursive: true });
      fs.writeFileSync(path.join(w.home, '.arcodange', 'cluster-keys.json'), '{"root_token":"prod"}');
      c.sandbox.vault.keyFile = '~/.arcodange/cluster-keys.json';
      c.prod.keyFiles = [];
    },
  },
  { name: 'VAULT_ADDR points at prod Vault', rule: 'env.VAULT_ADDR', edit: (w) => ({ VAULT_ADDR: w.prodVault.url }) },
  { name: 'VAULT_TOKEN is not the sandbox token', rule: 'env.VAULT_TOKEN', edit: () => ({ VAULT_TOKEN: 'hvs.prod-root-token' }) },
  { name: 'VAULT_NAMESPACE would redirect Vault requests', rule: 'env.VAULT_NAMESPACE', edit: () => ({ VAULT_NAMESPACE: 'prod' }) },
  { name: 'VAULT_PREFIX would redirect Vault requests', rule: 'env.VAULT_PREFIX', edit: () => ({ VAULT_PREFIX: '/prod' }) },
  { name: 'PGHOST points at prod PostgreSQL', rule: 'env.PGHOST', edit: () => ({ PGHOST: '192.168.1.12' }) },
  { name: 'PGPORT disagrees with the sandbox', rule: 'env.PGPORT', edit: () => ({ PGPORT: '6543' }) },
  { name: 'HTTPS_PROXY would carry sandbox requests to an unknown host', rule: 'env.HTTPS_PROXY', edit: (w) => ({ HTTPS_PROXY: w.prod.url }) },
  {
    name: 'sandbox Vault address is deny-listed prod',
    rule: 'prod.vault',
    edit: (w, c) => {
      c.sandbox.vault.address = w.prodVault.url;
      c.prod.vault.push(w.prodVault.url);
    },
  },
  {
    name: 'sandbox Vault address differs from a deny-list entry only by case and slash',
    rule: 'prod.vault',
    edit: (w, c) => {
      c.sandbox.vault.address = `${w.prodVault.url}/`;
      c.prod.vault.push(w.prodVault.url.toUpperCase());
    },
  },
  { name: 'cluster has no marker ConfigMap', rule: 'marker.kubernetes', edit: (_w, c) => void (c.sandbox.kubernetes.marker.name = 'no-such-marker') },
  { name: 'marker ConfigMap has the wrong value', rule: 'marker.kubernetes', edit: (_w, c) => void (c.sandbox.kubernetes.marker.value = 'production') },
  { name: 'marker ConfigMap lacks the key', rule: 'marker.kubernetes', edit: (_w, c) => void (c.sandbox.kubernetes.marker.key = 'tier') },
  { name: 'Vault marker has the wrong value', rule: 'marker.vault', edit: (_w, c) => void (c.sandbox.vault.marker.value = 'production') },
  { name: 'Vault has no marker', rule: 'marker.vault', edit: (_w, c) => void (c.sandbox.vault.marker.path = 'lab/nothing-here') },
  {
    name: 'ambiguous: the sandbox context is defined twice',
    rule: 'kubeconfig.ambiguous',
    edit: (w, _c, k) => {
      k.contexts.push({ name: 'lab-sim', context: { cluster: 'prod', user: k.users[0].name } });
      k.clusters.push({ name: 'prod', cluster: { server: w.prod.url } });
    },
  },
  {
    name: 'ambiguous: the sandbox cluster is defined twice',
    rule: 'kubeconfig.ambiguous',
    edit: (w, _c, k) => void k.clusters.push({ name: k.clusters[0].name, cluster: { server: w.prod.url } }),
  },
  {
    name: 'ambiguous: no prod deny-list at all',
    rule: 'prod.empty',
    edit: (_w, c) => {
      c.prod = {};
    },
  },
  { name: 'the sandbox context does not exist', rule: 'kubeconfig.context', edit: (_w, c) => void (c.sandbox.kubernetes.context = 'k3d-sandbox') },
  { name: 'the sandbox cluster goes through a proxy', rule: 'kubeconfig.proxy-url', edit: (w, _c, k) => void (k.clusters[0].cluster['proxy-url'] = w.prod.url) },
  { name: 'throwaway DNS zone is a prod zone (case, trailing dot)', rule: 'prod.dnsZones', edit: (_w, c) => void c.prod.dnsZones.push('SANDBOX.arcodange.lab.') },
  { name: 'sandbox PostgreSQL host is deny-listed (any port)', rule: 'prod.postgres', edit: (_w, c) => void c.prod.postgres.push('127.0.0.1') },
  { name: 'sandbox PostgreSQL host:port is deny-listed', rule: 'prod.postgres', edit: (_w, c) => void c.prod.postgres.push(`LOCALHOST.:${c.sandbox.postgres.port}`.replace('LOCALHOST.', '127.0.0.1')) },
  { name: 'sandbox Gitea is deny-listed', rule: 'prod.gitea', edit: (_w, c) => void c.prod.gitea.push(c.sandbox.gitea.url.toUpperCase()) },
  { name: 'sandbox Gitea host is a prod git remote', rule: 'prod.gitRemotes', edit: (_w, c) => void c.prod.gitRemotes.push('git@127.0.0.1:arcodange/runbooks.git') },
  { name: 'the runbooks remote (where runbook PRs are pushed) is a prod git remote', rule: 'prod.gitRemotes', edit: (_w, c) => void (c.sandbox.runbooks = { remote: 'ssh://git@Gitea.Arcodange.lab:2222/arcodange/runbooks.git' }) },
];

describe('isolation guard: adversarial matrix', () => {
  const w = {} as World;
  let seq = 0;

  before(async () => {
    w.sim = await startLabSim({ clock: 'manual', seed: 7 });
    w.prod = await startProdListener();
    w.prodVault = await startProdListener();
    w.home = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-home-'));
    w.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-cases-'));
  });

  after(async () => {
    await w.sim.stop();
    await w.prod.close();
    await w.prodVault.close();
  });

  function writeCase(c?: Case): { file: string; env: Env } {
    const dir = path.join(w.dir, String(seq++));
    fs.mkdirSync(dir);
    const config = parse(fs.readFileSync(w.sim.files.config, 'utf8'));
    const kubeconfig = parse(fs.readFileSync(w.sim.files.kubeconfig, 'utf8'));
    config.sandbox.kubernetes.kubeconfig = path.join(dir, 'kubeconfig');
    const env = c?.edit(w, config, kubeconfig, dir) ?? {};
    fs.writeFileSync(path.join(dir, 'kubeconfig'), stringify(kubeconfig));
    fs.writeFileSync(path.join(dir, 'config.yaml'), stringify(config));
    return { file: path.join(dir, 'config.yaml'), env: { HOME: w.home, ...env } };
  }

  it('has at least 30 adversarial configurations', () => assert.ok(CASES.length >= 30, `${CASES.length} cases`));

  for (const c of CASES) {
    it(`refuses: ${c.name}`, async () => {
      const { file, env } = writeCase(c);
      const r = await runCli(['--config', file, 'status', '--json'], env);
      assert.equal(r.code, 3, `exit code 3 expected, got ${r.code}\n${r.stderr}${r.stdout}`);
      assert.match(r.stderr, new RegExp(`rule:\\s+${c.rule.replace('.', '\\.')}\\n`));
      assert.match(r.stderr, /fix:\s+\S/);
      assert.equal(r.stdout, '', 'nothing is printed as if it were the sandbox');
      assert.deepEqual(w.prod.requests, [], 'prod received no request');
      assert.deepEqual(w.prodVault.requests, [], 'prod Vault received no request');
    });
  }

  it('refuses a mutation when the kubeconfig is swapped to prod after start', async () => {
    const { file, env } = writeCase();
    const config = loadConfigFile(file, env);
    const sandbox = await openSandbox(config, env);
    const kube = await sandbox.kube();
    const k = parse(fs.readFileSync(config.sandbox.kubernetes.kubeconfig!, 'utf8'));
    k.clusters[0].cluster.server = w.prod.url;
    fs.writeFileSync(config.sandbox.kubernetes.kubeconfig!, stringify(k));
    await assert.rejects(kube.scaleDeployment('erp', 'erp', 0), (e: Error) => e.name === 'GuardRefusal');
    assert.deepEqual(w.prod.requests, []);
  });

  describe('positive cases connect', () => {
    const ok = async (env: Env = {}, edit?: Case['edit']) => {
      const { file, env: caseEnv } = writeCase(edit && { name: 'ok', rule: '', edit });
      const r = await runCli(['--config', file, 'status', '--json'], { ...caseEnv, ...env });
      assert.equal(r.code, 0, r.stderr);
      const snap = JSON.parse(r.stdout);
      assert.deepEqual(snap.nodes.map((n: { name: string }) => n.name), ['pi1', 'pi2', 'pi3']);
      const live = snap.sources.filter((s: { status: string }) => s.status === 'live').map((s: { id: string }) => s.id);
      for (const id of ['kubernetes', 'vault', 'postgres', 'gitea', 'stepca']) assert.ok(live.includes(id), `${id} live: ${JSON.stringify(snap.sources)}`);
    };

    it('the lab-sim configuration as written', () => ok());
    it('KUBECONFIG agrees with the configuration', () => ok({ KUBECONFIG: w.sim.files.kubeconfig }));
    it('VAULT_ADDR agrees after normalisation', () => ok({ VAULT_ADDR: `${w.sim.urls.vault.toUpperCase().replace('HTTP://', 'http://')}/` }));
    it('VAULT_TOKEN is the sandbox root token', () => ok({ VAULT_TOKEN: JSON.parse(fs.readFileSync(w.sim.files.keyFile, 'utf8')).root_token }));
    it('a proxy is set but NO_PROXY covers the sandbox', () => ok({ HTTPS_PROXY: w.prod.url, NO_PROXY: 'localhost,127.0.0.1' }));
    it('the sandbox key file is reached through a symlink', () =>
      ok({}, (_w, c, _k, dir) => {
        fs.symlinkSync(c.sandbox.vault.keyFile, path.join(dir, 'keys.json'));
        c.sandbox.vault.keyFile = path.join(dir, 'keys.json');
      }));

    after(() => assert.deepEqual(w.prod.requests, []));
  });
});
