import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, it } from 'node:test';
import { parse } from 'yaml';
import { startLabSim, type LabSim } from '../../engine/sim/index.ts';
import { loadConfigFile } from '../../src/config/load.ts';
import { openSandbox } from '../../src/guard/sandbox.ts';

let sim: LabSim;
before(async () => {
  sim = await startLabSim({ clock: 'manual', seed: 8 });
});
after(() => sim.stop());

it('child processes get a scrubbed environment with sandbox values only', async () => {
  const env = { HOME: process.env.HOME, PATH: process.env.PATH, AWS_SECRET_ACCESS_KEY: 'prod-secret', GITHUB_TOKEN: 'ghp_secret', LANG: 'C.UTF-8' };
  const sandbox = await openSandbox(loadConfigFile(sim.files.config, env), env);
  const r = await sandbox.processes().run('env', []);
  const vars = Object.fromEntries(String(r.stdout).split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  assert.equal(vars.AWS_SECRET_ACCESS_KEY, undefined);
  assert.equal(vars.GITHUB_TOKEN, undefined);
  assert.equal(vars.LANG, 'C.UTF-8');
  assert.equal(vars.VAULT_ADDR, sim.urls.vault);
  assert.equal(vars.PGHOST, '127.0.0.1');
  assert.equal(vars.LAB_SANDBOX, 'lab-sim');
  const kubeconfig = parse(fs.readFileSync(vars.KUBECONFIG!, 'utf8'));
  assert.deepEqual(kubeconfig.contexts.map((c: { name: string }) => c.name), ['lab-sim'], 'the child sees only the sandbox context');
  assert.equal(fs.statSync(vars.KUBECONFIG!).mode & 0o077, 0);
});

it('a real third-party client (kubectl) works through that environment', async () => {
  const env = { HOME: process.env.HOME, PATH: process.env.PATH };
  const sandbox = await openSandbox(loadConfigFile(sim.files.config, env), env);
  const r = await sandbox.processes().run('kubectl', ['get', 'nodes', '-o', 'name']);
  assert.equal(r.exitCode, 0, String(r.stderr));
  assert.deepEqual(String(r.stdout).trim().split('\n'), ['node/pi1', 'node/pi2', 'node/pi3']);
});

it('git reaches the sandbox Gitea\'s runbooks remote with its token in the environment only, and no other remote gets it', async () => {
  const env = { HOME: process.env.HOME, PATH: process.env.PATH, GITEA_TOKEN: 'token-of-another-gitea' };
  const config = loadConfigFile(sim.files.config, env);
  const sandbox = await openSandbox(config, env);
  const token = fs.readFileSync(sim.files.giteaToken, 'utf8').trim();
  const { remote, remoteEnv } = sandbox.runbookForge();
  assert.equal(remote, `${sim.urls.gitea}/arcodange/runbooks.git`);
  assert.deepEqual(remoteEnv, {
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_0: `http.${remote}.extraHeader`,
    GIT_CONFIG_VALUE_0: `Authorization: token ${token}`,
    GIT_CONFIG_KEY_1: 'http.followRedirects',
    GIT_CONFIG_VALUE_1: 'false',
  });
  const r = await sandbox.processes().run('git', ['ls-remote', remote as string], { env: remoteEnv });
  assert.equal(r.exitCode, 0, String(r.stderr));
  assert.ok(sandbox.secretValues().includes(token), 'redacted wherever it could show');

  const elsewhere = await openSandbox({ ...config, sandbox: { ...config.sandbox, runbooks: { ...config.sandbox.runbooks, remote: 'http://127.0.0.1:9/arcodange/runbooks.git' } } }, env);
  assert.equal(elsewhere.runbookForge().remoteEnv, undefined, 'the token goes to the Gitea that issued it only');
});
