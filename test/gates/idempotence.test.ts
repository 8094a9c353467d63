import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createProcessRunner } from '../../engine/adapters/process.ts';
import { idempotenceGate, MAX_DETAIL_LINES, unifiedDiff } from '../../engine/gates/idempotence.ts';
import { UNVETTED } from '../helpers/unvetted.ts';

/**
 * The idempotence gate against real ansible-core, on localhost over the local connection. The
 * sandbox is a temp dir (`base`, an inventory variable) that the test converges by hand; the
 * playbooks under fixtures/ansible/ either match it, drift from it, or fail on it.
 */

const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'ansible');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-tui-idempotence-test-'));
const home = path.join(tmp, 'home');
const base = path.join(tmp, 'sandbox');
const inventory = path.join(tmp, 'inventory.ini');
const runner = createProcessRunner({ PATH: process.env.PATH!, HOME: home }, () => {}, UNVETTED);
const now = new Date('2026-03-01T12:00:00.000Z');
const MOTD = 'welcome to the lab\nconverged\n';
const OLD_HOSTS = Array.from({ length: 100 }, (_, i) => `old-${i}`).join('\n') + '\n';

before(() => {
  fs.mkdirSync(home);
  fs.mkdirSync(path.join(base, 'state'), { recursive: true });
  fs.chmodSync(base, 0o755);
  fs.chmodSync(path.join(base, 'state'), 0o755);
  fs.writeFileSync(path.join(base, 'motd'), MOTD);
  fs.chmodSync(path.join(base, 'motd'), 0o644);
  fs.writeFileSync(path.join(base, 'hosts.list'), OLD_HOSTS);
  fs.chmodSync(path.join(base, 'hosts.list'), 0o644);
  fs.writeFileSync(
    inventory,
    `localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3 base=${base}\n`,
  );
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const gate = (playbook: string, extra: { limit?: string } = {}) =>
  idempotenceGate({ runner, playbook: path.join(FIXTURES, playbook), inventory, now, timeoutMs: 60_000, ...extra });

describe('idempotenceGate with real ansible-playbook --check --diff', () => {
  test('a converged sandbox passes: changed=0 on every host', async () => {
    const r = await gate('idempotent.yml');
    assert.equal(r.schema, 'lab-tui/gate@1');
    assert.equal(r.gate, 'idempotence');
    assert.equal(r.at, now.toISOString());
    assert.equal(r.ok, true, JSON.stringify(r, null, 2));
    assert.deepEqual(r.checks, [
      {
        name: 'host localhost',
        expected: 'changed=0 failures=0 unreachable=0',
        observed: 'changed=0 failures=0 unreachable=0',
        ok: true,
      },
    ]);
    assert.match(r.summary, /changed=0 on 1 host/);
  });

  test('a drifted sandbox fails, naming each changed task with its bounded diff, and changes nothing', async () => {
    const r = await gate('drifted.yml');
    assert.equal(r.ok, false);
    const host = r.checks.find((c) => c.name === 'host localhost');
    assert.deepEqual(host, {
      name: 'host localhost',
      expected: 'changed=0 failures=0 unreachable=0',
      observed: 'changed=2 failures=0 unreachable=0',
      ok: false,
    });
    assert.match(r.summary, /not idempotent: host localhost: changed=2/);
    assert.match(r.summary, /motd is managed/);

    const motd = r.checks.find((c) => c.name === 'task motd is managed on localhost');
    assert.ok(motd, r.checks.map((c) => c.name).join('\n'));
    assert.equal(motd.ok, false);
    assert.equal(motd.observed, 'changed');
    assert.match(motd.detail!, /drifted\.yml:\d+/);
    assert.match(motd.detail!, new RegExp(`^--- ${path.join(base, 'motd')}$`, 'm'));
    assert.match(motd.detail!, new RegExp(`^\\+\\+\\+ ${path.join(base, 'motd')} \\(wanted\\)$`, 'm'));
    assert.match(motd.detail!, /^-converged$/m);
    assert.match(motd.detail!, /^\+converged at last$/m);
    assert.match(motd.detail!, /^ welcome to the lab$/m);

    const hosts = r.checks.find((c) => c.name === 'task generated hosts list is current on localhost');
    assert.ok(hosts);
    const lines = hosts.detail!.split('\n');
    assert.ok(lines.length <= MAX_DETAIL_LINES, `${lines.length} lines`);
    assert.match(lines.at(-1)!, /^\.\.\. \(\d+ more lines\)$/);
    assert.ok(lines.includes('-old-0'), hosts.detail);
    assert.ok(lines.includes(`+++ ${path.join(base, 'hosts.list')} (wanted)`), hosts.detail);

    // Unchanged tasks get no check of their own.
    assert.equal(r.checks.some((c) => c.name.startsWith('task state directory exists')), false);
    // --check: the sandbox is untouched.
    assert.equal(fs.readFileSync(path.join(base, 'motd'), 'utf8'), MOTD);
    assert.equal(fs.readFileSync(path.join(base, 'hosts.list'), 'utf8'), OLD_HOSTS);
  });

  test('a failing task fails the gate with failures=1', async () => {
    const r = await gate('failing.yml');
    assert.equal(r.ok, false);
    assert.equal(r.checks[0]!.name, 'host localhost');
    assert.equal(r.checks[0]!.observed, 'changed=0 failures=1 unreachable=0');
    const failed = r.checks.find((c) => c.name === 'task refuse to continue without the kubelet config on localhost');
    assert.ok(failed, r.checks.map((c) => c.name).join('\n'));
    assert.match(failed.observed, /^failed: kubelet config missing under /);
    assert.match(r.summary, /failures=1/);
  });

  test('a missing playbook is a clear error, before anything runs', async () => {
    await assert.rejects(gate('no-such-playbook.yml'), /playbook not found: .*no-such-playbook\.yml/);
  });

  test('no ansible-playbook on PATH is a clear error', async () => {
    const bare = createProcessRunner({ PATH: path.join(tmp, 'empty-bin'), HOME: home }, () => {}, UNVETTED);
    await assert.rejects(
      idempotenceGate({ runner: bare, playbook: path.join(FIXTURES, 'idempotent.yml'), inventory }),
      { message: 'ansible-playbook not found: apt-get install ansible-core' },
    );
  });

  test('output that is not the JSON document is a clear error quoting ansible', async () => {
    await assert.rejects(gate('idempotent.yml', { limit: 'no-such-host' }), (e: Error) => {
      assert.match(e.message, /output is not JSON \(exit \d+\)/);
      assert.match(e.message, /ERROR!.*no hosts/);
      return true;
    });
  });
});

describe('unifiedDiff', () => {
  test('renders hunks with context', () => {
    const a = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    const b = ['a', 'b', 'c', 'd', 'E', 'f', 'g', 'h', 'i', 'j'];
    assert.deepEqual(unifiedDiff(a, b), ['@@ -2,7 +2,7 @@', ' b', ' c', ' d', '-e', '+E', ' f', ' g', ' h']);
    assert.deepEqual(unifiedDiff([], ['x']), ['@@ -0,0 +1,1 @@', '+x']);
    assert.deepEqual(unifiedDiff(['x'], ['x']), []);
  });
});
