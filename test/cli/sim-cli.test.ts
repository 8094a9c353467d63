import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../helpers/wait.ts';

const BIN = path.resolve('bin/lab-tui.js');
const lab = (...args: string[]) => {
  try {
    return { code: 0, out: execFileSync('node', [BIN, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { code: err.status, out: err.stdout + err.stderr };
  }
};

/** `lab-tui sim serve` as an operator runs it in a second terminal, driven by `lab-tui sim …` and kubectl. */
describe('lab-tui sim serve / fault / advance / state', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-cli-'));
  let serve: ChildProcess;
  let output = '';

  before(async () => {
    serve = spawn('node', [BIN, 'sim', 'serve', '--manual', '--state-dir', dir, '--seed', '9'], { stdio: ['ignore', 'pipe', 'pipe'] });
    serve.stdout!.on('data', (d) => (output += d));
    serve.stderr!.on('data', (d) => (output += d));
    await waitFor(() => fs.existsSync(path.join(dir, 'control.json')) && output.includes('Ctrl-C stops it'), { what: `sim serve to start\n${output}`, timeoutMs: 20_000 });
  });

  after(() => serve.kill('SIGKILL'));

  it('writes the files other clients attach with', () => {
    for (const f of ['kubeconfig', 'env', 'config.yaml', 'cluster-keys.json']) assert.ok(fs.existsSync(path.join(dir, f)), f);
    assert.match(fs.readFileSync(path.join(dir, 'env'), 'utf8'), /export KUBECONFIG=.*\nexport VAULT_ADDR=http:\/\/127\.0\.0\.1:\d+/);
    assert.equal(fs.statSync(path.join(dir, 'cluster-keys.json')).mode & 0o077, 0, 'the key file is private');
    assert.ok(!output.includes(JSON.parse(fs.readFileSync(path.join(dir, 'cluster-keys.json'), 'utf8')).root_token), 'no secret on screen');
  });

  it('a fault through the CLI shows up in stock kubectl once the clock advances', () => {
    assert.equal(lab('sim', 'fault', 'node-stop', 'pi2', '--state-dir', dir).code, 0);
    assert.equal(lab('sim', 'advance', '45s', '--state-dir', dir).code, 0);
    const nodes = execFileSync('kubectl', ['--kubeconfig', path.join(dir, 'kubeconfig'), 'get', 'nodes'], { encoding: 'utf8' });
    assert.match(nodes, /pi2\s+NotReady/);
    const state = JSON.parse(lab('sim', 'state', '--state-dir', dir).out);
    assert.ok(Array.isArray(state.nodes));
  });

  it('lab-tui --config D/config.yaml status sees the same sandbox', () => {
    const r = lab('--config', path.join(dir, 'config.yaml'), 'status', '--json');
    assert.equal(r.code, 0, r.out);
    const snap = JSON.parse(r.out);
    assert.equal(snap.sandbox.simulated, true);
    assert.equal(snap.nodes.find((n: { name: string }) => n.name === 'pi2').ready, 'NotReady');
  });

  it('explains a wrong kind or target (exit 2) and a missing state dir', () => {
    const kind = lab('sim', 'fault', 'meteor', '--state-dir', dir);
    assert.equal(kind.code, 2);
    assert.match(kind.out, /unknown fault kind "meteor"; valid kinds: node-stop, node-start, power-cut/);
    const target = lab('sim', 'fault', 'node-stop', 'pi9', '--state-dir', dir);
    assert.equal(target.code, 2);
    assert.match(target.out, /valid: pi1, pi2, pi3/);
    const nodir = lab('sim', 'fault', 'vault-seal');
    assert.equal(nodir.code, 2);
    assert.match(nodir.out, /--state-dir D is required/);
    const duration = lab('sim', 'advance', 'soon', '--state-dir', dir);
    assert.equal(duration.code, 2);
    assert.match(duration.out, /"soon" is not a duration/);
  });

  it('lab-tui status --sim --json prints nodes and components of the embedded sandbox', () => {
    const r = lab('status', '--sim', '--json');
    assert.equal(r.code, 0, r.out);
    const snap = JSON.parse(r.out);
    assert.deepEqual(snap.nodes.map((n: { name: string }) => n.name), ['pi1', 'pi2', 'pi3']);
    assert.equal(snap.components.length, 8);
  });
});
