import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createProcessRunner } from '../../engine/adapters/process.ts';
import { REDACTED, Redactor } from '../../engine/runbook/redact.ts';
import { runCommand, type CommandStream, type RunCommandOptions } from '../../engine/runbook/run-command.ts';
import { waitFor } from '../helpers/wait.ts';
import { UNVETTED } from '../helpers/unvetted.ts';

const runner = createProcessRunner({ PATH: process.env.PATH!, HOME: os.tmpdir() }, () => {}, UNVETTED);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-run-command-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
/** A path the test creates to let a waiting command go on. */
const gatePath = () => path.join(root, `gate-${++n}`);
/** Shell: wait until $GATE exists (the test creates it once it has seen what it waits for). */
const WAIT_FOR_GATE = 'while [ ! -e "$GATE" ]; do sleep 0.02; done';

function collect(extra: Partial<RunCommandOptions> = {}) {
  const lines: [CommandStream, string][] = [];
  const opts: RunCommandOptions = { timeoutMs: 20_000, redactor: new Redactor(), onLine: (s, l) => lines.push([s, l]), ...extra };
  return { lines, opts };
}

/** Running, not a zombie: this container's init reaps orphans lazily, and kill(pid, 0) counts zombies. */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return !fs.existsSync('/proc/self');
  }
};

/** The pid a command printed as `<name>=<pid>`. */
const printedPid = (lines: [CommandStream, string][], name: string) => {
  const line = lines.find(([, l]) => l.startsWith(`${name}=`));
  return line ? Number(line[1].slice(name.length + 1)) : undefined;
};

describe('runCommand', () => {
  it('streams each line while the command is still running', async () => {
    const gate = gatePath();
    const { lines, opts } = collect({ env: { GATE: gate } });
    let settled = false;
    const done = runCommand(runner, `echo first; echo err-line >&2; ${WAIT_FOR_GATE}; echo second`, opts).finally(() => (settled = true));
    await waitFor(() => lines.length === 2, { what: 'the lines printed before the gate' });
    assert.equal(settled, false, 'the command is still waiting for the gate');
    assert.deepEqual(new Set(lines), new Set([['stdout', 'first'], ['stderr', 'err-line']]));
    fs.writeFileSync(gate, '');
    const result = await done;
    assert.deepEqual(lines.at(-1), ['stdout', 'second']);
    assert.equal(result.status, 'ok');
    assert.equal(result.exitCode, 0);
  });

  it('hashes the raw output and keeps a redacted tail', async () => {
    const { lines, opts } = collect();
    opts.redactor.add('unseal-key-7f3a9c');
    const raw = 'key unseal-key-7f3a9c\ntoken hvs.CAESIJ1abcdefghijklmnopqrstuv\n';
    const result = await runCommand(runner, `printf '%s' '${raw}'`, opts);
    assert.deepEqual(lines, [['stdout', `key ${REDACTED}`], ['stdout', `token ${REDACTED}`]]);
    assert.equal(result.bytes, Buffer.byteLength(raw));
    assert.equal(result.sha256, createHash('sha256').update(raw).digest('hex'));
    assert.equal(result.tail, `key ${REDACTED}\ntoken ${REDACTED}`);
  });

  it('redacts a secret written in two pieces', async () => {
    const gate = gatePath();
    const { lines, opts } = collect({ env: { GATE: gate } });
    opts.redactor.add('unseal-key-7f3a9c');
    // The first piece is in the pipe before the shell creates $GATE.first; the test then lets the second go.
    const done = runCommand(runner, `printf 'pre unseal-ke'; touch "$GATE.first"; ${WAIT_FOR_GATE}; printf 'y-7f3a9c post\\n'`, opts);
    await waitFor(() => fs.existsSync(`${gate}.first`), { what: 'the first piece to be written' });
    fs.writeFileSync(gate, '');
    const result = await done;
    assert.deepEqual(lines, [['stdout', `pre ${REDACTED} post`]]);
    assert.equal(result.tail, `pre ${REDACTED} post`);
  });

  it('reports a failing exit code, with a tail of the last 500 characters', async () => {
    const { lines, opts } = collect();
    const result = await runCommand(runner, 'i=0; while [ $i -lt 100 ]; do echo "line $i"; i=$((i+1)); done; echo boom >&2; exit 3', opts);
    assert.equal(result.status, 'failed');
    assert.equal(result.exitCode, 3);
    assert.equal(lines.length, 101);
    assert.deepEqual(lines.at(-1), ['stderr', 'boom']);
    assert.equal(result.tail.length, 500);
    assert.ok(result.tail.endsWith('line 99\nboom'));
  });

  it('says why a command could not start', async () => {
    const { lines, opts } = collect({ cwd: path.join(root, 'no-such-dir') });
    const result = await runCommand(runner, 'echo hi', opts);
    assert.equal(result.status, 'failed');
    assert.equal(result.exitCode, undefined);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]![0], 'stderr');
  });

  it('kills the whole process group on timeout', async () => {
    const { lines, opts } = collect({ timeoutMs: 1500 });
    const result = await runCommand(runner, 'sleep 300 & echo "grandchild=$!"; sleep 300; wait', opts);
    assert.equal(result.status, 'timed-out');
    assert.equal(result.exitCode, undefined);
    const grandchild = printedPid(lines, 'grandchild');
    assert.ok(grandchild, `the command printed its grandchild's pid: ${JSON.stringify(lines)}`);
    await waitFor(() => !alive(grandchild), { what: `grandchild ${grandchild} to be gone` });
  });

  it('does not wait for a process that left the group and holds the output pipe', async () => {
    const { lines, opts } = collect({ timeoutMs: 1000 });
    const done = runCommand(runner, 'setsid sleep 300 & echo "escapee=$!"; sleep 300', opts);
    try {
      const result = await done;
      assert.equal(result.status, 'timed-out');
      assert.ok(printedPid(lines, 'escapee'));
    } finally {
      // Out of the group, out of runCommand's reach: the test cleans up after itself.
      const escapee = await waitFor(() => printedPid(lines, 'escapee'), { what: 'the escapee pid' });
      process.kill(escapee, 'SIGKILL');
    }
  });

  it('follows SIGTERM with SIGKILL for a group that ignores it', async () => {
    const gate = gatePath();
    const { lines, opts } = collect({ env: { GATE: gate }, killGraceMs: 200 });
    const controller = new AbortController();
    opts.signal = controller.signal;
    // An ignored signal stays ignored in children: only SIGKILL ends `sleep` here.
    const done = runCommand(runner, `trap '' TERM; sleep 300 & echo "grandchild=$!"; ${WAIT_FOR_GATE}`, opts);
    const grandchild = await waitFor(() => printedPid(lines, 'grandchild'), { what: 'the grandchild pid' });
    controller.abort();
    const result = await done;
    assert.equal(result.status, 'aborted');
    assert.equal(result.signal, 'SIGKILL');
    await waitFor(() => !alive(grandchild), { what: `grandchild ${grandchild} to be gone` });
  });

  it('kills the whole process group when aborted', async () => {
    const gate = gatePath();
    const { lines, opts } = collect({ env: { GATE: gate } });
    const controller = new AbortController();
    opts.signal = controller.signal;
    const done = runCommand(runner, `sleep 300 & echo "grandchild=$!"; echo "shell=$$"; ${WAIT_FOR_GATE}`, opts);
    const grandchild = await waitFor(() => printedPid(lines, 'grandchild'), { what: 'the grandchild pid' });
    const shell = await waitFor(() => printedPid(lines, 'shell'), { what: 'the shell pid' });
    controller.abort();
    const result = await done;
    assert.equal(result.status, 'aborted');
    assert.equal(result.exitCode, undefined);
    await waitFor(() => !alive(grandchild) && !alive(shell), { what: 'the shell and its grandchild to be gone' });
  });

  it('does not start a command whose signal is already aborted', async () => {
    const marker = gatePath();
    const { lines, opts } = collect({ signal: AbortSignal.abort() });
    const result = await runCommand(runner, `touch ${marker}`, opts);
    assert.equal(result.status, 'aborted');
    assert.deepEqual(lines, []);
    assert.equal(fs.existsSync(marker), false);
  });

  it('passes extra env to the child, not the parent env, and redacts secret-named values', async () => {
    process.env.FOO_SECRET = 'parent-only-value';
    try {
      const { lines, opts } = collect({ env: { EXTRA_VAR: 'hello', PGPASSWORD: 'pg-pass-1234' } });
      const result = await runCommand(runner, 'echo "foo=${FOO_SECRET:-unset} extra=$EXTRA_VAR pw=$PGPASSWORD"', opts);
      assert.equal(result.status, 'ok');
      assert.deepEqual(lines, [['stdout', `foo=unset extra=hello pw=${REDACTED}`]]);
    } finally {
      delete process.env.FOO_SECRET;
    }
  });

  it('rethrows an onLine error after stopping the command', async () => {
    const gate = gatePath();
    const { opts } = collect({ env: { GATE: gate }, onLine: () => { throw new Error('screen broke'); } });
    await assert.rejects(runCommand(runner, `echo hi; ${WAIT_FOR_GATE}`, opts), { message: 'screen broke' });
  });
});
