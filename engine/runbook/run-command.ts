import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { ProcessRunner } from '../adapters/process.ts';
import type { Redactor } from './redact.ts';

export type CommandStream = 'stdout' | 'stderr';
export type CommandStatus = 'ok' | 'failed' | 'timed-out' | 'aborted';

export interface RunCommandOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Each redacted line as it arrives, not at the end. */
  onLine(stream: CommandStream, line: string): void;
  redactor: Redactor;
  cwd?: string;
  /**
   * Extra variables for this command only. Values of secret-looking names (PASSWORD, TOKEN,
   * SECRET, KEY, CREDENTIAL) are registered with the redactor, so `echo $PGPASSWORD` shows nothing.
   */
  env?: Record<string, string>;
  /** Between SIGTERM and SIGKILL to the process group. Default 2000 ms. */
  killGraceMs?: number;
  /** The command's process group, once it exists: journaled, so a resumed run can end it. */
  onStart?(pid: number): void;
}

export interface CommandResult {
  /** Undefined when the command was killed by a signal or could not start. */
  exitCode?: number;
  /** The signal that ended the shell, if one did. */
  signal?: string;
  status: CommandStatus;
  durationMs: number;
  /** Raw bytes of stdout and stderr together, hashed in the order they arrived. */
  bytes: number;
  sha256: string;
  /** The last TAIL_CHARS characters of the redacted output, both streams, lines joined by '\n'. */
  tail: string;
}

export const TAIL_CHARS = 500;
const DEFAULT_KILL_GRACE_MS = 2000;
/** setTimeout fires at once for anything longer. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const GROUP_POLL_MS = 25;
const PIPE_DRAIN_MS = 250;
const SECRET_ENV_NAME = /PASS|TOKEN|SECRET|KEY|CREDENTIAL/i;

/**
 * Runs a shell command through the sandbox's ProcessRunner and streams its redacted output.
 *
 * The shell leads a process group of its own (ProcessRunner spawns detached), and timeout and
 * cancellation signal that whole group: execa's own timeout and cancelSignal reach only the shell,
 * leaving `sleep 300 &` and friends running. SIGTERM first, SIGKILL after the grace if anything is
 * left; the result comes back only once the group is gone.
 */
export async function runCommand(runner: ProcessRunner, command: string, opts: RunCommandOptions): Promise<CommandResult> {
  if (!(opts.timeoutMs > 0)) throw new RangeError(`runCommand: timeoutMs must be positive, got ${opts.timeoutMs}`);
  const started = performance.now();
  const hash = createHash('sha256');
  let bytes = 0;
  const tail = new Tail(TAIL_CHARS);
  const elapsed = () => Math.round(performance.now() - started);

  if (opts.signal?.aborted) {
    return { status: 'aborted', durationMs: 0, bytes: 0, sha256: hash.digest('hex'), tail: '' };
  }
  for (const [name, value] of Object.entries(opts.env ?? {})) if (SECRET_ENV_NAME.test(name)) opts.redactor.add(value);

  let listenerError: unknown;
  const lines = (stream: CommandStream) =>
    opts.redactor.stream((line) => {
      tail.push(line);
      try {
        opts.onLine(stream, line);
      } catch (err) {
        // A throw inside a stream 'data' handler would crash the process: stop, then rethrow below.
        listenerError ??= err;
        stop('aborted');
      }
    });
  const out = { stdout: lines('stdout'), stderr: lines('stderr') };

  const child = runner.shell(command, { ...(opts.cwd ? { cwd: opts.cwd } : {}), ...(opts.env ? { env: opts.env } : {}) });
  const group = child.pid;
  if (group !== undefined) opts.onStart?.(group);
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]?.on('data', (chunk: Buffer | string) => {
      const raw = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      hash.update(raw);
      bytes += raw.length;
      out[stream].write(raw);
    });
  }

  let stopped: 'timed-out' | 'aborted' | undefined;
  let exited = false;
  let groupGone: Promise<void> = Promise.resolve();
  function stop(reason: 'timed-out' | 'aborted') {
    // Once the shell is reaped its pid may be reused: never signal it after that.
    if (stopped || exited || group === undefined) return;
    stopped = reason;
    groupGone = terminateGroup(group, opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS).then(releasePipes);
  }
  async function releasePipes() {
    // Pipes still open once the group is gone are held by a process that left it (setsid, a daemon):
    // read what is already buffered, then stop waiting for it, or the result would never come.
    const settled = await Promise.race([child.then(() => true), delay(PIPE_DRAIN_MS, false, { ref: false })]);
    if (settled) return;
    child.stdout?.destroy();
    child.stderr?.destroy();
  }
  const timer = setTimeout(() => stop('timed-out'), Math.min(opts.timeoutMs, MAX_TIMER_MS));
  const onAbort = () => stop('aborted');
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    const result = await child;
    exited = true;
    await groupGone;
    out.stdout.end();
    out.stderr.end();
    if (group === undefined || (result.failed && result.exitCode === undefined && !result.signal && !stopped)) {
      // Could not start (bad cwd, no shell): say why where the operator looks.
      const why = opts.redactor.redact(result.shortMessage ?? 'the command could not be started');
      tail.push(why);
      opts.onLine('stderr', why);
    }
    if (listenerError) throw listenerError;
    const status: CommandStatus = stopped ?? (result.exitCode === 0 ? 'ok' : 'failed');
    return {
      ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
      ...(result.signal ? { signal: result.signal } : {}),
      status,
      durationMs: elapsed(),
      bytes,
      sha256: hash.digest('hex'),
      tail: tail.text(),
    };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** SIGTERM to the group; SIGKILL after the grace if any member is left. Resolves once none is. */
async function terminateGroup(group: number, graceMs: number): Promise<void> {
  if (!signalGroup(group, 'SIGTERM')) return;
  const deadline = performance.now() + graceMs;
  while (groupAlive(group)) {
    if (performance.now() >= deadline) {
      signalGroup(group, 'SIGKILL');
      // SIGKILL cannot be refused; only reaping is left, which the kernel and init do.
      return;
    }
    await delay(GROUP_POLL_MS);
  }
}

/** False when the group no longer exists. */
function signalGroup(group: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-group, signal);
    return true;
  } catch (err) {
    // EPERM (a setuid member, e.g. sudo): nothing more we can do to it, but the group is not gone.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
  } catch (err) {
    // EPERM: a member exists but changed its credentials; it still counts as left over.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return liveMemberOnLinux(group) ?? true;
}

/**
 * Whether a member of the group is more than a zombie; undefined without /proc. kill(-group, 0)
 * counts zombies, and an init that reaps lazily (containers) would hold us for the whole grace.
 */
function liveMemberOnLinux(group: number): boolean | undefined {
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // `pid (comm) state ppid pgrp …`; comm may hold spaces and parentheses, so split after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === group && state !== 'Z') return true;
  }
  return false;
}

/** The last characters of the lines pushed, without holding on to all of them. */
class Tail {
  private buffer = '';
  private empty = true;

  constructor(private readonly size: number) {}

  push(line: string): void {
    this.buffer = this.empty ? line : `${this.buffer}\n${line}`;
    this.empty = false;
    if (this.buffer.length > this.size * 4) this.buffer = this.buffer.slice(-this.size);
  }

  text(): string {
    return this.buffer.slice(-this.size);
  }
}
