import { execa, type ResultPromise } from 'execa';

export interface RunOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  cwd?: string;
  input?: string;
  /** Extra variables for this call only (e.g. PGPASSWORD for pg_restore), on top of the scrubbed env. */
  env?: Record<string, string>;
}

export interface ProcessRunner {
  /** The scrubbed environment child processes get: sandbox values only. */
  readonly env: Readonly<Record<string, string>>;
  run(file: string, args: string[], opts?: RunOptions): ResultPromise;
  shell(command: string, opts?: RunOptions): ResultPromise;
}

export function createProcessRunner(env: Record<string, string>, recheck: () => void): ProcessRunner {
  const common = (opts: RunOptions = {}) => ({
    env: opts.env ? { ...env, ...opts.env } : env,
    extendEnv: false,
    cwd: opts.cwd,
    input: opts.input,
    cancelSignal: opts.signal,
    timeout: opts.timeoutMs,
    // A process group of its own, so cancelling kills the whole tree (Ctrl-C or `x`).
    detached: true,
    forceKillAfterDelay: 2000,
    reject: false,
    all: true,
  });
  return {
    env,
    run(file, args, opts) {
      recheck();
      return execa(file, args, common(opts));
    },
    shell(command, opts) {
      recheck();
      return execa(command, { ...common(opts), shell: '/bin/sh' });
    },
  };
}
