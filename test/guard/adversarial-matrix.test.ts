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
import { fakeHosts } from '../helpers/fake-hosts.ts';
import { startProdStandIn, type ProdStandIn } from '../helpers/prod-standin.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- configs are edited as plain YAML trees */
type Tree = any;

interface World {
  sim: LabSim;
  /** Prod on 127.0.0.2, in a process of its own: HTTP (answers like a perfect sandbox) and raw TCP. */
  prod: ProdStandIn;
  home: string;
  dir: string;
}

interface Case {
  name: string;
  rule: string;
  /** Only the live marker can tell (the case is invisible to `config check`). */
  live?: true;
  /** Names the stand-in resolver answers for this case. */
  hosts?: (w: World) => Record<string, string>;
  /** Edits copies of the sim's config and kubeconfig; returns extra environment. */
  edit(w: World, config: Tree, kubeconfig: Tree, dir: string): Env | void;
}

const prodCluster = (w: World, kubeconfig: Tree) => {
  kubeconfig.clusters[0].cluster.server = w.prod.url;
};

/** The configured and the kubeconfig's server both written as `server`. */
const kubeServer = (c: Tree, k: Tree, server: string) => {
  c.sandbox.kubernetes.server = server;
  k.clusters[0].cluster.server = server;
};

const EARLIER_CASES: Case[] = [
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
      c.prod.servers.push(`HTTP://127.0.0.2:${w.prod.httpPort}`);
    },
  },
  {
    name: 'deny-list entry differs by a trailing dot on the host',
    rule: 'prod.servers',
    edit: (w, c, k) => {
      c.sandbox.kubernetes.server = `http://127.0.0.2.:${w.prod.httpPort}`;
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
      k.clusters[0].cluster.server = `http://127.0.0.2:${w.prod.httpPort}`;
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
  { name: 'VAULT_ADDR points at prod Vault', rule: 'env.VAULT_ADDR', edit: (w) => ({ VAULT_ADDR: w.prod.url }) },
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
      c.sandbox.vault.address = w.prod.url;
      c.prod.vault.push(w.prod.url);
    },
  },
  {
    name: 'sandbox Vault address differs from a deny-list entry only by case and slash',
    rule: 'prod.vault',
    edit: (w, c) => {
      c.sandbox.vault.address = `${w.prod.url}/`;
      c.prod.vault.push(w.prod.url.toUpperCase());
    },
  },
  { name: 'cluster has no marker ConfigMap', rule: 'marker.kubernetes', live: true, edit: (_w, c) => void (c.sandbox.kubernetes.marker.name = 'no-such-marker') },
  { name: 'marker ConfigMap has the wrong value', rule: 'marker.kubernetes', live: true, edit: (_w, c) => void (c.sandbox.kubernetes.marker.value = 'production') },
  { name: 'marker ConfigMap lacks the key', rule: 'marker.kubernetes', live: true, edit: (_w, c) => void (c.sandbox.kubernetes.marker.key = 'tier') },
  { name: 'Vault marker has the wrong value', rule: 'marker.vault', live: true, edit: (_w, c) => void (c.sandbox.vault.marker.value = 'production') },
  { name: 'Vault has no marker', rule: 'marker.vault', live: true, edit: (_w, c) => void (c.sandbox.vault.marker.path = 'lab/nothing-here') },
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
  { name: 'the evidence remote (where drill runs are pushed) is a prod git remote', rule: 'prod.gitRemotes', edit: (_w, c) => void (c.sandbox.evidence = { remote: 'git@gitea.arcodange.lab:arcodange/evidence.git' }) },
];

/**
 * Addresses compared as the hosts they reach, every field against every kind of prod entry,
 * and commands scanned: each of these reached prod before the guard judged connections.
 */
const ADDRESS_CASES: Case[] = [
  {
    name: 'Vault address is the IPv4-mapped IPv6 form of the prod Vault',
    rule: 'prod.address',
    edit: (w, c) => {
      c.sandbox.vault.address = `http://[::ffff:127.0.0.2]:${w.prod.httpPort}`;
      c.prod.vault.push(w.prod.url);
    },
  },
  {
    name: 'Vault address is the hex-mapped IPv6 form of the prod Vault',
    rule: 'prod.address',
    edit: (w, c) => {
      c.sandbox.vault.address = `http://[::ffff:7f00:2]:${w.prod.httpPort}`;
      c.prod.vault.push(w.prod.url);
    },
  },
  {
    name: 'Kubernetes server is the mapped IPv6 form of a prod server',
    rule: 'prod.address',
    edit: (w, c, k) => {
      kubeServer(c, k, `http://[::ffff:127.0.0.2]:${w.prod.httpPort}`);
      c.prod.servers.push(w.prod.url);
    },
  },
  {
    name: 'Kubernetes server is the prod server written as one decimal number',
    rule: 'prod.servers',
    edit: (w, c, k) => {
      kubeServer(c, k, `http://2130706434:${w.prod.httpPort}`);
      c.prod.servers.push(w.prod.url);
    },
  },
  {
    name: 'PostgreSQL host is the short IPv4 form (127.2) of the prod PostgreSQL',
    rule: 'prod.address',
    edit: (w, c) => {
      c.sandbox.postgres = { ...c.sandbox.postgres, host: '127.2', port: w.prod.tcpPort };
      c.prod.postgres.push(`127.0.0.2:${w.prod.tcpPort}`);
    },
  },
  {
    name: 'PostgreSQL host is the mapped IPv6 form of the prod PostgreSQL',
    rule: 'prod.address',
    edit: (w, c) => {
      c.sandbox.postgres = { ...c.sandbox.postgres, host: '::ffff:127.0.0.2', port: w.prod.tcpPort };
      c.prod.postgres.push(`127.0.0.2:${w.prod.tcpPort}`);
    },
  },
  {
    name: 'PostgreSQL host is the prod PostgreSQL in hex (0x7f000002)',
    rule: 'prod.address',
    edit: (w, c) => {
      c.sandbox.postgres = { ...c.sandbox.postgres, host: '0x7f000002', port: w.prod.tcpPort };
      c.prod.postgres.push('127.0.0.2');
    },
  },
  {
    name: 'Vault address is a name that resolves to the prod Vault (a resolver alias)',
    rule: 'prod.address',
    hosts: () => ({ 'vault-alias.test': '127.0.0.2' }),
    edit: (w, c) => {
      c.sandbox.vault.address = `http://vault-alias.test:${w.prod.httpPort}`;
      c.prod.vault.push(w.prod.url);
    },
  },
  {
    name: 'PostgreSQL host is a name that resolves to the prod PostgreSQL',
    rule: 'prod.address',
    hosts: () => ({ 'pg-alias.test': '127.0.0.2' }),
    edit: (w, c) => {
      c.sandbox.postgres = { ...c.sandbox.postgres, host: 'pg-alias.test', port: w.prod.tcpPort };
      c.prod.postgres.push(`127.0.0.2:${w.prod.tcpPort}`);
    },
  },
  {
    name: 'a prod deny-list entry is itself a name that resolves to the address the sandbox field uses',
    rule: 'prod.address',
    hosts: () => ({ 'vault.prod.test': '127.0.0.2' }),
    edit: (w, c) => {
      c.sandbox.vault.address = `http://127.0.0.2:${w.prod.httpPort}`;
      c.prod.vault.push(`https://vault.prod.test:8200`);
    },
  },
  { name: 'a Step-CA TLS endpoint is the prod PostgreSQL host', rule: 'prod.address', edit: (w, c) => void (c.sandbox.stepca.endpoints.push({ name: 'gitea.sandbox.arcodange.lab', address: `127.2:${w.prod.tcpPort}` }), c.prod.postgres.push('127.0.0.2')) },
  { name: 'the Ingress address (Traefik) is a prod server host', rule: 'prod.address', edit: (w, c) => void (c.sandbox.stepca.ingressAddress = `127.0.0.2:${w.prod.tcpPort}`, c.prod.servers.push(w.prod.url)) },
  { name: 'Step-CA URL is on a deny-listed prod server host', rule: 'prod.address', edit: (w, c) => void (c.sandbox.stepca.url = w.prod.url, c.prod.servers.push(`https://127.0.0.2:6443`)) },
  { name: 'Gitea URL is the mapped form of a host on the prod Vault list', rule: 'prod.address', edit: (w, c) => void (c.sandbox.gitea.url = `http://[::ffff:7f00:2]:${w.prod.httpPort}`, c.prod.vault.push(w.prod.url)) },
  { name: 'runbooks remote is on a prod server host', rule: 'prod.address', edit: (w, c) => void (c.sandbox.runbooks = { remote: `http://127.0.0.2:${w.prod.httpPort}/lab/runbooks.git` }, c.prod.servers.push(w.prod.url)) },
  { name: 'runbooks remote (scp form) is on the prod PostgreSQL host', rule: 'prod.address', edit: (w, c) => void (c.sandbox.runbooks = { remote: 'git@127.2:lab/runbooks.git' }, c.prod.postgres.push(`127.0.0.2:${w.prod.tcpPort}`)) },
  { name: 'evidence remote is the mapped IPv6 form of a prod server host', rule: 'prod.address', edit: (w, c) => void (c.sandbox.evidence = { remote: `http://[::ffff:127.0.0.2]:${w.prod.httpPort}/lab/evidence.git` }, c.prod.servers.push(w.prod.url)) },
  { name: 'power.start template curls the prod API', rule: 'command.host', edit: (w, c) => void (c.sandbox.power.start = `curl -s http://127.0.0.2:${w.prod.httpPort}/api/v1/nodes/{node}`, c.prod.servers.push(w.prod.url)) },
  { name: 'power.stop template uses a prod kubectl context', rule: 'command.context', edit: (_w, c) => void (c.sandbox.power.stop = 'kubectl --context arcodange-prod drain {node}') },
  { name: 'power.start template points kubectl at a prod kubeconfig', rule: 'command.kubeconfig', edit: (w, c, _k, dir) => void (fs.writeFileSync(path.join(dir, 'prod.kubeconfig'), stringify({ contexts: [{ name: 'ops', context: { cluster: 'p', user: 'u' } }], clusters: [{ name: 'p', cluster: { server: w.prod.url } }], users: [{ name: 'u', user: {} }] })), (c.sandbox.power.start = `KUBECONFIG=${path.join(dir, 'prod.kubeconfig')} kubectl uncordon {node}`), c.prod.servers.push(w.prod.url)) },
  { name: 'recovery template restores into the prod PostgreSQL (psql -h 127.2)', rule: 'command.host', edit: (w, c) => void ((c.sandbox.recovery['postgres.restore'] = `pg_restore -h 127.2 -p ${w.prod.tcpPort} -d {database} /backups/{database}.dump`), c.prod.postgres.push('127.0.0.2')) },
  { name: 'recovery template passes --server of a prod API server', rule: 'command.server', edit: (_w, c) => void (c.sandbox.recovery['argocd.rollback'] = 'kubectl --server https://192.168.1.10:6443 -n argocd rollout undo {app}') },
  { name: 'recovery template names a host in a prod DNS zone', rule: 'command.dnsZone', edit: (_w, c) => void (c.sandbox.recovery['pki.reissue'] = 'step ca renew --ca-url https://ca.arcodange.lab erp.crt erp.key') },
  { name: 'recovery template reads the prod key file', rule: 'command.keyFile', edit: (w, c) => void (fs.mkdirSync(path.join(w.home, '.arcodange'), { recursive: true }), fs.writeFileSync(path.join(w.home, '.arcodange', 'cluster-keys.json'), '{"root_token":"prod"}'), (c.sandbox.recovery['longhorn.inject-block-device'] = `jq -r .root_token ${path.join(w.home, '.arcodange', 'cluster-keys.json')}`)) },
  { name: 'childEnv.pass hands the operator\'s KUBECONFIG to children', rule: 'childEnv.pass', edit: (_w, c) => void (c.sandbox.childEnv = { pass: ['KUBECONFIG'] }) },
];

const CASES: Case[] = [...EARLIER_CASES, ...ADDRESS_CASES];

describe('isolation guard: adversarial matrix', () => {
  const w = {} as World;
  let seq = 0;

  before(async () => {
    w.sim = await startLabSim({ clock: 'manual', seed: 7 });
    w.prod = await startProdStandIn();
    w.home = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-home-'));
    w.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-cases-'));
  });

  after(async () => {
    await w.sim.stop();
    await w.prod.close();
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

  const noConnections = async () => {
    const { http, tcp, requests } = await w.prod.counts();
    assert.deepEqual({ http, tcp, requests }, { http: 0, tcp: 0, requests: [] }, 'prod received no connection');
  };

  it('has at least 30 earlier and 15 address/command configurations', () => assert.ok(EARLIER_CASES.length >= 30 && ADDRESS_CASES.length >= 15, `${EARLIER_CASES.length} + ${ADDRESS_CASES.length} cases`));

  for (const c of CASES) {
    it(`refuses: ${c.name}`, async () => {
      const { file, env } = writeCase(c);
      const resolver = c.hosts && fakeHosts(c.hosts(w));
      try {
        const r = await runCli(['--config', file, 'status', '--json'], env);
        assert.equal(r.code, 3, `exit code 3 expected, got ${r.code}\n${r.stderr}${r.stdout}`);
        assert.match(r.stderr, new RegExp(`rule:\\s+${c.rule.replace('.', '\\.')}\\n`));
        assert.match(r.stderr, /fix:\s+\S/);
        assert.equal(r.stdout, '', 'nothing is printed as if it were the sandbox');
        if (!c.live) {
          const check = await runCli(['--config', file, 'config', 'check', '--json'], env);
          assert.equal(check.code, 3, check.stderr);
          const refused = JSON.parse(check.stdout).refused as { rule: string; target: string }[];
          assert.ok(refused.some((x) => x.rule === c.rule), `config check lists ${c.rule}: ${JSON.stringify(refused)}`);
        }
      } finally {
        resolver?.restore();
      }
      await noConnections();
    });
  }

  it('config check lists every refused field and command at once, each with its rule', async () => {
    const { file, env } = writeCase({
      name: 'several',
      rule: '',
      edit: (w, c) => {
        c.sandbox.vault.address = `http://[::ffff:7f00:2]:${w.prod.httpPort}`;
        c.sandbox.stepca.url = `http://127.2:${w.prod.httpPort}`;
        c.sandbox.power.stop = 'kubectl --context arcodange-prod drain {node}';
        c.sandbox.recovery['pki.reissue'] = 'step ca renew --ca-url https://ca.arcodange.lab erp.crt erp.key';
        c.prod.vault.push(w.prod.url);
      },
    });
    const r = await runCli(['--config', file, 'config', 'check'], env);
    assert.equal(r.code, 3);
    for (const expected of [/sandbox\.vault\.address\n.*\n\s+rule:\s+prod\.address/, /sandbox\.stepca\.url\n.*\n\s+rule:\s+prod\.address/, /sandbox\.power\.stop\n.*\n\s+rule:\s+command\.context/, /sandbox\.recovery\.pki\.reissue\n.*\n\s+rule:\s+command\.dnsZone/])
      assert.match(r.stderr, expected);
    assert.match(r.stderr, /4 refusal\(s\)/);
    await noConnections();
  });

  it('refuses a mutation when the kubeconfig is swapped to prod after start', async () => {
    const { file, env } = writeCase();
    const config = loadConfigFile(file, env);
    const sandbox = await openSandbox(config, env);
    const kube = await sandbox.kube();
    const k = parse(fs.readFileSync(config.sandbox.kubernetes.kubeconfig!, 'utf8'));
    k.clusters[0].cluster.server = w.prod.url;
    fs.writeFileSync(config.sandbox.kubernetes.kubeconfig!, stringify(k));
    await assert.rejects(kube.scaleDeployment('erp', 'erp', 0), (e: Error) => e.name === 'GuardRefusal');
    await noConnections();
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
    it('the sandbox addressed by a name that resolves to it', async () => {
      const resolver = fakeHosts({ 'vault.sandbox.test': '127.0.0.1', 'pg.sandbox.test': '127.0.0.1' });
      try {
        await ok({}, (_w, c) => {
          c.sandbox.vault.address = c.sandbox.vault.address.replace('127.0.0.1', 'vault.sandbox.test');
          c.sandbox.postgres.host = 'pg.sandbox.test';
        });
      } finally {
        resolver.restore();
      }
    });
    it('power commands that need the operator\'s lima and ssh agent, allowed explicitly', () =>
      ok({ LIMA_HOME: path.join(w.home, '.lima'), SSH_AUTH_SOCK: path.join(w.home, 'agent.sock') }, (_w, c) => {
        c.sandbox.childEnv = { pass: ['LIMA_HOME', 'SSH_AUTH_SOCK'] };
        c.sandbox.power = { stop: 'limactl stop lab-{node}', start: 'limactl start lab-{node}' };
      }));

    after(noConnections);
  });
});
