import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import type { HealthService } from '../../engine/health/health-service.ts';
import { readJournal } from '../../engine/runbook/journal.ts';
import { loadRunbook } from '../../engine/runbook/parse-runbook.ts';
import type { RunbookRun } from '../../engine/runbook/runner.ts';
import { startRun } from '../../engine/runbook/start-run.ts';
import type { LabSim } from '../../engine/sim/index.ts';
import { runbookDeps, startSandboxHealth } from '../../src/cli/wiring.ts';
import type { Env } from '../../src/config/paths.ts';
import { loadConfigFile } from '../../src/config/load.ts';
import { openSandbox, type Sandbox } from '../../src/guard/sandbox.ts';
import { runCli } from '../helpers/cli.ts';
import { fakeHosts } from '../helpers/fake-hosts.ts';
import { startTestSim } from '../helpers/lab-sim.ts';
import { startProdStandIn, type ProdStandIn } from '../helpers/prod-standin.ts';
import { waitFor } from '../helpers/wait.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- configs are edited as plain YAML trees */

let sim: LabSim;
let prod: ProdStandIn;
/** Prod listening on the sandbox's own ports at 127.0.0.2. */
let mirror: ProdStandIn;
let dir: string;
/** The operator's home, with prod credentials where the ecosystem's tools look for them. */
let operatorHome: string;

const PROD_VAULT_TOKEN = 'hvs.PROD-operator-token';
const PROD_PG_PASSWORD = 'prod-pg-password';
const PROD_GIT_TOKEN = 'prod-git-token';

function writeOperatorHome(home: string) {
  fs.mkdirSync(path.join(home, '.ssh'), { recursive: true });
  fs.writeFileSync(path.join(home, '.vault-token'), PROD_VAULT_TOKEN);
  fs.writeFileSync(path.join(home, '.pgpass'), `127.0.0.2:5432:*:postgres:${PROD_PG_PASSWORD}\n`, { mode: 0o600 });
  fs.writeFileSync(path.join(home, '.pg_service.conf'), `[prod]\nhost=127.0.0.2\npassword=${PROD_PG_PASSWORD}\n`);
  fs.writeFileSync(path.join(home, '.gitconfig'), '[credential]\n\thelper = store\n[user]\n\tname = Operator\n');
  fs.writeFileSync(path.join(home, '.git-credentials'), `https://ops:${PROD_GIT_TOKEN}@gitea.arcodange.lab\n`);
  fs.writeFileSync(path.join(home, '.ssh', 'id_ed25519'), 'PROD SSH KEY\n');
}

/** The lab-sim configuration with prod's stand-in on the deny-list, and `edit` applied. */
function configFile(name: string, edit: (c: any) => void = () => {}): string {
  const c = parse(fs.readFileSync(sim.files.config, 'utf8'));
  c.prod.servers.push(prod.url);
  c.prod.postgres.push(`127.0.0.2:${prod.tcpPort}`);
  edit(c);
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, stringify(c));
  return file;
}

interface Harness {
  sandbox: Sandbox;
  health: HealthService;
  stop(): Promise<void>;
}

async function open(file: string, env: Env = { PATH: process.env.PATH, HOME: operatorHome }): Promise<Harness> {
  const sandbox = await openSandbox(loadConfigFile(file, env), env);
  const health = startSandboxHealth(sandbox, () => {}, { pollMs: 100 });
  return { sandbox, health, stop: () => health.stop() };
}

function runbook(name: string, body: string): string {
  const file = path.join(dir, `${name}.md`);
  fs.writeFileSync(file, `# Guard drills\n\n${body}`);
  return file;
}

async function noConnections() {
  const { http, tcp, requests } = await prod.counts();
  assert.deepEqual({ http, tcp, requests }, { http: 0, tcp: 0, requests: [] }, 'prod received no connection');
}

const phase = (run: RunbookRun) => run.view.get().phase;

/**
 * Prod's mirror takes its ports on 127.0.0.2 first and the sandbox gets the same numbers on
 * 127.0.0.1: the other way round, another process may already hold a number on 127.0.0.2. A number
 * taken on 127.0.0.1 meanwhile means trying again with new ones.
 */
async function sandboxAndMirror(): Promise<{ sim: LabSim; mirror: ProdStandIn }> {
  for (let attempt = 1; ; attempt++) {
    const m = await startProdStandIn({ httpPorts: [0, 0, 0], tcpPorts: [0] });
    const [kube, vault, gitea] = m.extraHttpPorts;
    try {
      return { sim: await startTestSim({ seed: 31, ports: { kube, vault, gitea, postgres: m.extraTcpPorts[0] } }), mirror: m };
    } catch (e) {
      await m.close();
      if (attempt === 3 || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    }
  }
}

before(async () => {
  ({ sim, mirror } = await sandboxAndMirror());
  prod = await startProdStandIn();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-runtime-'));
  operatorHome = path.join(dir, 'operator');
  writeOperatorHome(operatorHome);
});
after(async () => {
  await prod.close();
  await mirror.close();
  await sim.stop();
});

describe('runbook commands that name prod are refused before they run', () => {
  let h: Harness;
  before(async () => (h = await open(configFile('runtime'))));
  after(() => h.stop());

  it('an [AGENT] sh step: the walkthrough blocks it with the rule and the line; skip moves on', async () => {
    const file = runbook('agent', `## Reach prod\n\n1. [AGENT] Copied from the prod runbook\n   \`\`\`sh\n   curl -s http://127.0.0.2:${prod.httpPort}/api/v1/nodes\n   \`\`\`\n2. [AGENT] Carry on\n   \`\`\`sh\n   echo carried on\n   \`\`\`\n`);
    const { run, file: journal } = startRun({ runbook: loadRunbook(file), section: 'reach-prod', dir, sandbox: 'lab-sim', pollMs: 20 }, runbookDeps(h.sandbox, h.health.snapshots));
    await waitFor(() => phase(run).kind === 'blocked', { what: 'the step is blocked' });
    const p = phase(run);
    assert.equal(p.kind, 'blocked');
    assert.match((p as { detail: string }).detail, /refused by the isolation guard \(command\.host\): .*127\.0\.0\.2.* — agent\.md:6$/);
    run.send({ type: 'skip', reason: 'names prod' });
    const final = await run.done;
    assert.deepEqual(final.steps.map((s) => s.status), ['skipped', 'done']);
    const refused = readJournal(journal).records.find((r) => r.type === 'command-refused');
    assert.deepEqual(refused && { rule: refused.rule, line: refused.line, step: refused.step }, { rule: 'command.host', line: 6, step: 'reach-prod/1' });
    await noConnections();
  });

  it('a verify: sh probe and a prod kubectl context', async () => {
    const file = runbook('probe', `## Probe prod\n\n1. [AGENT] Look\n   \`\`\`sh\n   echo looking\n   \`\`\`\n   \`\`\`lab\n   verify:\n     - sh: psql -h 127.2 -p ${prod.tcpPort} -c 'select 1'\n   \`\`\`\n2. [HUMAN] Drain the node\n   \`\`\`sh\n   kubectl --context arcodange-prod drain pi3\n   \`\`\`\n`);
    const { run } = startRun({ runbook: loadRunbook(file), section: 'probe-prod', dir, sandbox: 'lab-sim', pollMs: 20 }, runbookDeps(h.sandbox, h.health.snapshots));
    await waitFor(() => phase(run).kind === 'blocked', { what: 'step 1 is blocked' });
    assert.match((phase(run) as { detail: string }).detail, /\(command\.host\).* — probe\.md:11$/);
    run.send({ type: 'fail', note: 'probe names prod' });
    await waitFor(() => phase(run).kind === 'blocked' && run.view.get().current === 1, { what: 'step 2 is blocked' });
    assert.match((phase(run) as { detail: string }).detail, /\(command\.context\): .*arcodange-prod.* — probe\.md:14$/);
    run.send({ type: 'skip', reason: 'prod context' });
    const final = await run.done;
    assert.deepEqual(final.steps.map((s) => s.status), ['failed', 'skipped']);
    await noConnections();
  });

  it('retry after editing the runbook runs the fixed step, and the journal says the text changed', async () => {
    const file = runbook('edit', `## Fix me\n\n1. [AGENT] Check the API\n   \`\`\`sh\n   kubectl --server ${prod.url} get nodes\n   \`\`\`\n`);
    const { run, file: journal } = startRun({ runbook: loadRunbook(file), section: 'fix-me', dir, sandbox: 'lab-sim', pollMs: 20 }, runbookDeps(h.sandbox, h.health.snapshots));
    await waitFor(() => phase(run).kind === 'blocked', { what: 'the step is blocked' });
    assert.match((phase(run) as { detail: string }).detail, /command\.(server|host)/);
    run.send({ type: 'retry' });
    await waitFor(() => readJournal(journal).records.filter((r) => r.type === 'command-refused').length === 2, { what: 'retried without an edit: refused again' });
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(`kubectl --server ${prod.url} get nodes`, 'kubectl get nodes -o name'));
    run.send({ type: 'retry' });
    const final = await run.done;
    assert.deepEqual(final.steps.map((s) => s.status), ['done']);
    const records = readJournal(journal).records;
    assert.ok(records.some((r) => r.type === 'runbook-reloaded' && r.digest === loadRunbook(file).digest));
    assert.ok(records.some((r) => r.type === 'output' && r.text.includes('node/pi1')), 'the fixed command ran against the sandbox');
    await noConnections();
  });

  it('an improvised command naming prod is refused and recorded, and never proposed as a step', async () => {
    const file = runbook('improv', `## Improvise\n\n1. [HUMAN] Look around\n`);
    const evidence = path.join(dir, 'evidence');
    fs.mkdirSync(path.join(evidence, 'runs'), { recursive: true });
    const { run, file: journal } = startRun({ runbook: loadRunbook(file), section: 'improvise', dir: path.join(evidence, 'runs'), sandbox: 'lab-sim', pollMs: 20 }, runbookDeps(h.sandbox, h.health.snapshots));
    await waitFor(() => phase(run).kind === 'operator', { what: 'the operator step' });
    run.send({ type: 'improvise', text: 'asked prod Vault', command: `VAULT_ADDR=http://[::ffff:7f00:2]:${prod.httpPort} vault status` });
    await waitFor(() => run.view.get().improvised[0]?.status === 'refused', { what: 'the improvisation is refused' });
    assert.match(run.view.get().notice ?? '', /refused by the isolation guard \(command\.host\)/);
    run.send({ type: 'done' });
    await run.done;
    const end = readJournal(journal).records.find((r) => r.type === 'improvised-finished');
    assert.equal(end?.type === 'improvised-finished' && end.status, 'refused');
    const r = await runCli(['--config', configFile('improv-pr'), 'pr', 'propose', '--run', path.basename(journal, '.jsonl'), '--dry-run', '--evidence-dir', evidence], { HOME: operatorHome });
    assert.match(r.stderr, /has no improvised or failed step: nothing to propose/, `the refused command is not proposed: ${r.stdout}${r.stderr}`);
    await noConnections();
  });

  it('runbook check names the file and line of every command that names prod', async () => {
    const file = runbook('check', `## Mixed\n\n1. [AGENT] Fine\n   \`\`\`sh\n   kubectl get nodes\n   \`\`\`\n2. [HUMAN] Not fine\n   \`\`\`sh\n   ssh pi@127.0.0.2 sudo reboot\n   \`\`\`\n3. [AGENT] Zone\n   \`\`\`sh\n   dig +short erp.arcodange.lab\n   \`\`\`\n`);
    const r = await runCli(['--config', configFile('check'), 'runbook', 'check', file], { HOME: operatorHome });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`${file}:10: command\\.host: `));
    assert.match(r.stderr, new RegExp(`${file}:14: command\\.dnsZone: `));
    assert.doesNotMatch(r.stderr, /:6:/);
    await noConnections();
  });
});

describe('child processes get a home of the sandbox, not the operator\'s', () => {
  const probe = 'cat ~/.vault-token; echo; cat ~/.pgpass ~/.pg_service.conf 2>&1; git config --global --get credential.helper; cat ~/.git-credentials 2>&1; ls ~/.ssh 2>&1; echo "pgpass=$PGPASSFILE config=$VAULT_CONFIG_PATH git=$GIT_CONFIG_GLOBAL"';

  it('credential files in the operator\'s home are out of reach; the sandbox kubeconfig is there', async () => {
    const h = await open(configFile('home'));
    try {
      const r = await h.sandbox.processes().run('sh', ['-c', probe]);
      const out = String(r.stdout) + String(r.stderr);
      for (const secret of [PROD_VAULT_TOKEN, PROD_PG_PASSWORD, PROD_GIT_TOKEN, 'PROD SSH KEY', 'store']) assert.ok(!out.includes(secret), `${secret} leaked: ${out}`);
      const env = h.sandbox.processes().env;
      assert.notEqual(env.HOME, operatorHome);
      assert.equal(fs.readFileSync(path.join(env.HOME!, '.vault-token'), 'utf8'), '', 'an empty token file: no token helper finds the operator\'s');
      assert.equal(env.GIT_CONFIG_GLOBAL, '/dev/null');
      assert.equal(env.GIT_TERMINAL_PROMPT, '0');
      for (const f of [env.PGPASSFILE!, env.PGSERVICEFILE!, env.VAULT_CONFIG_PATH!]) assert.equal(fs.readFileSync(f, 'utf8'), '');
      assert.ok(env.KUBECACHEDIR!.startsWith(env.HOME!));
      const kubectl = await h.sandbox.processes().run('kubectl', ['get', 'nodes', '-o', 'name']);
      assert.equal(kubectl.exitCode, 0, String(kubectl.stderr));
    } finally {
      await h.stop();
    }
  });

  it('sandbox.vault.childToken puts the sandbox token (and only it) in the child\'s ~/.vault-token', async () => {
    const h = await open(configFile('child-token', (c) => (c.sandbox.vault.childToken = true)));
    try {
      const token = JSON.parse(fs.readFileSync(sim.files.keyFile, 'utf8')).root_token;
      const r = await h.sandbox.processes().run('cat', [path.join(h.sandbox.processes().env.HOME!, '.vault-token')]);
      assert.equal(String(r.stdout), token);
    } finally {
      await h.stop();
    }
  });

  it('childEnv.home: real is the visible escape hatch: the identity says so and every run records it', async () => {
    const h = await open(configFile('real-home', (c) => (c.sandbox.childEnv = { home: 'real', pass: ['LIMA_HOME'] })), { PATH: process.env.PATH, HOME: operatorHome, LIMA_HOME: '/opt/lima' });
    try {
      assert.equal(h.sandbox.identity.childHome, 'real');
      const env = h.sandbox.processes().env;
      assert.equal(env.HOME, operatorHome);
      assert.equal(env.LIMA_HOME, '/opt/lima');
      assert.equal(env.GIT_CONFIG_GLOBAL, '/dev/null', 'credential lookups stay pinned');
      const file = runbook('real', `## Real\n\n1. [AGENT] Echo\n   \`\`\`sh\n   echo hi\n   \`\`\`\n`);
      const { run, file: journal } = startRun({ runbook: loadRunbook(file), section: 'real', dir, sandbox: 'lab-sim', pollMs: 20 }, runbookDeps(h.sandbox, h.health.snapshots));
      await run.done;
      const started = readJournal(journal).records[0];
      assert.deepEqual(started?.type === 'run-started' && started.childEnv, { home: 'real', pass: ['LIMA_HOME'] });
    } finally {
      await h.stop();
    }
  });
});

describe('a name that starts resolving to prod mid-session is refused when the socket connects', () => {
  // `mirror`: prod listening on the sandbox's own ports at 127.0.0.2, so a socket sent there by mistake is counted.
  before(() => mirror.reset());

  it('Kubernetes, Vault, PostgreSQL and HTTP (Gitea) sockets all ask the guard, and prod counts no connection', async () => {
    const port = (url: string) => Number(new URL(url).port);
    assert.deepEqual([...mirror.extraHttpPorts, ...mirror.extraTcpPorts], [port(sim.urls.kube), port(sim.urls.vault), port(sim.urls.gitea), loadConfigFile(sim.files.config, {}).sandbox.postgres!.port], 'the mirror listens on the sandbox\'s ports');
    const resolver = fakeHosts({ 'k8s.sbx.test': '127.0.0.1', 'vault.sbx.test': '127.0.0.1', 'pg.sbx.test': '127.0.0.1', 'gitea.sbx.test': '127.0.0.1' });
    const kubeconfig = path.join(dir, 'named-kubeconfig');
    const k = parse(fs.readFileSync(sim.files.kubeconfig, 'utf8'));
    const renamed = (url: string, name: string) => url.replace('127.0.0.1', name);
    k.clusters[0].cluster.server = renamed(sim.urls.kube, 'k8s.sbx.test');
    fs.writeFileSync(kubeconfig, stringify(k));
    const file = configFile('named', (c) => {
      c.sandbox.kubernetes = { ...c.sandbox.kubernetes, kubeconfig, server: renamed(sim.urls.kube, 'k8s.sbx.test') };
      c.sandbox.vault.address = renamed(sim.urls.vault, 'vault.sbx.test');
      c.sandbox.postgres.host = 'pg.sbx.test';
      c.sandbox.gitea.url = renamed(sim.urls.gitea, 'gitea.sbx.test');
    });
    const refusals: string[] = [];
    try {
      const sandbox = await openSandbox(loadConfigFile(file, { HOME: operatorHome }), { HOME: operatorHome, PATH: process.env.PATH });
      sandbox.onRefusal((e) => refusals.push(e.refusal.rule));
      await (await sandbox.kube()).core.listNode();
      assert.equal((await sandbox.vault()!.sealStatus()).initialized, true);
      await sandbox.postgres()!.query('select 1');
      await sandbox.postgres()!.close();

      for (const name of ['k8s.sbx.test', 'vault.sbx.test', 'pg.sbx.test', 'gitea.sbx.test']) resolver.set(name, '127.0.0.2');
      await assert.rejects((async () => (await sandbox.kube({ reconnect: true })).core.listNode())(), /127\.0\.0\.2|prod/);
      await assert.rejects(sandbox.vault()!.sealStatus(), /prod/);
      await assert.rejects(sandbox.postgres()!.query('select 1'), (e: Error) => e.name === 'GuardRefusal' && /pg\.sbx\.test \(127\.0\.0\.2\) is prod/.test(e.message));
      await assert.rejects(sandbox.gitea()!.getJson('/api/v1/version', 2000), (e: Error) => e.name === 'GuardRefusal');
      assert.ok(refusals.length >= 4 && refusals.every((r) => r === 'prod.address'), JSON.stringify(refusals));
    } finally {
      resolver.restore();
    }
    await noConnections();
    const { http, tcp } = await mirror.counts();
    assert.deepEqual({ http, tcp }, { http: 0, tcp: 0 }, 'nothing reached prod on the sandbox\'s ports either');
  });
});
