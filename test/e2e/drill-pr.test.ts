import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { createSimControl } from '../../engine/adapters/sim-control.ts';
import { manifestPath } from '../../engine/common/package-root.ts';
import { startLabSim, type LabSim } from '../../engine/sim/index.ts';
import { TmuxTerminal } from '../helpers/tmux.ts';
import { waitFor } from '../helpers/wait.ts';
import { loopbackOnly } from '../../src/guard/connect-policy.ts';

const BIN = path.resolve('bin/lab-tui.js');
const TOKEN = 'e2e-gitea-token-5f1c9a7d';

/** The game-day loop as an operator lives it: drill, improvise, recover, propose the runbook change. */
describe('vault-seal drill with an improvised step, then its draft runbook PR, in a real terminal', () => {
  const term = new TmuxTerminal(170, 44);
  let sim: LabSim;
  let bare: string;
  const posts: { url: string; auth?: string; body: { title: string; head: string; body: string } }[] = [];
  const pulls: { number: number; html_url: string; head: { ref: string } }[] = [];
  const gitea = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST' && req.url?.endsWith('/pulls')) {
        const body = JSON.parse(text);
        posts.push({ url: req.url, auth: req.headers.authorization, body });
        const pr = { number: pulls.length + 1, html_url: `http://gitea.sandbox/arcodange/runbooks/pulls/${pulls.length + 1}`, head: { ref: body.head } };
        pulls.push(pr);
        res.statusCode = 201;
        return res.end(JSON.stringify(pr));
      }
      // A Gitea the parity gate accepts: it answers its version and health.
      if (req.url === '/api/v1/version') return res.end(JSON.stringify({ version: '1.22.3' }));
      res.end(req.url?.includes('/pulls') ? JSON.stringify(pulls) : JSON.stringify({ status: 'pass' }));
    });
  });
  const control = () => createSimControl(sim.urls.control, () => {}, loopbackOnly);

  before(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-pr-'));
    bare = path.join(dir, 'arcodange', 'runbooks.git');
    fs.mkdirSync(bare, { recursive: true });
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
    const clone = path.join(dir, 'runbooks');
    execFileSync('git', ['clone', '-q', bare, clone]);
    fs.copyFileSync(manifestPath('runbooks/CLUSTER_RECOVERY.md'), path.join(clone, 'CLUSTER_RECOVERY.md'));
    execFileSync('git', ['-C', clone, 'add', '.']);
    execFileSync('git', ['-C', clone, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'runbooks']);
    execFileSync('git', ['-C', clone, 'push', '-q', 'origin', 'HEAD:main']);
    await new Promise<void>((r) => gitea.listen(0, '127.0.0.1', r));
    sim = await startLabSim({ clock: 'manual', seed: 61 });
    await sim.advance(60_000);
    const c = parse(fs.readFileSync(sim.files.config, 'utf8'));
    c.sandbox.runbooks = { path: clone, remote: bare };
    c.sandbox.gitea = { url: `http://127.0.0.1:${(gitea.address() as AddressInfo).port}` };
    fs.writeFileSync(path.join(dir, 'config.yaml'), stringify(c));
    term.start({ HOME: dir, PATH: process.env.PATH ?? '', GITEA_TOKEN: TOKEN });
    term.type(`node ${BIN} --config ${path.join(dir, 'config.yaml')} drill run vault-seal`);
  });

  after(async () => {
    term.kill();
    gitea.close();
    await sim.stop();
  });

  /** lab-sim's clock moves on while the screen says the engine waits. */
  const untilWithClock = (pattern: RegExp) =>
    waitFor(
      async () => {
        const s = term.screen();
        if (pattern.test(s)) return s;
        if (/verifying|running/.test(s)) await control().advance(5_000);
        return undefined;
      },
      { what: `screen text ${pattern}`, timeoutMs: 60_000 },
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n--- screen ---\n${term.screen()}`);
    });

  it('improvises, recovers, proposes; the draft PR address comes on screen and the remote has the branch', async () => {
    await term.waitForText(/DRILL vault-seal \(vault\) · fault/);
    await term.waitForText(/waiting for you/);
    term.keys('i');
    await term.waitForText(/what did you do: /);
    term.literal('Checked the VSO controller logs for the sealed Vault error');
    term.keys('Enter');
    await term.waitForText(/command to run \(enter for none\): /);
    term.literal('echo vso saw 503 vault is sealed');
    term.keys('Enter');
    await term.waitForText(/\+ ✓ Checked the VSO controller logs/);
    term.keys('Enter');
    await untilWithClock(/PASSED-WITH-IMPROVISATION/);
    await term.waitForText(/p propose PR/);

    term.keys('p');
    await term.waitForText(/Propose runbook changes from run/);
    await term.waitForText(/✓ imp-1 .*Checked the VSO controller logs/);
    await term.waitForText(/\[AGENT\] Checked the VSO controller logs for the sealed Vault error/);
    term.keys('Enter');
    const done = await term.waitForText(/draft PR http:\/\/gitea\.sandbox\/arcodange\/runbooks\/pulls\/1 +\(branch (runbook\/vault-seal-\S+)\)/);
    const branch = /\(branch (runbook\/vault-seal-\S+)\)/.exec(done)![1]!;

    assert.equal(posts.length, 1);
    assert.equal(posts[0]!.auth, `token ${TOKEN}`);
    assert.match(posts[0]!.body.title, /^WIP: runbook: 1 change\(s\) from drill vault-seal on /);
    assert.match(posts[0]!.body.body, /Drill: \*\*vault-seal\*\* \(vault\), outcome \*\*passed-with-improvisation\*\*/);
    assert.equal(execFileSync('git', ['-C', bare, 'diff', '--name-only', 'main', branch], { encoding: 'utf8' }).trim(), 'CLUSTER_RECOVERY.md');
    assert.ok(!term.screen().includes(TOKEN), 'the token is not on screen');
    term.keys('Escape');
    term.keys('q');
  });
});
