import { execa, type Result, type ResultPromise } from 'execa';

export interface RunOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  cwd?: string;
  input?: string;
  /** Extra variables for this call only (e.g. PGPASSWORD for pg_restore), on top of the scrubbed env. */
  env?: Record<string, string>;
}

/** The guard's judgement of a command line before it runs. */
export interface CommandVetting {
  /** Throws a refusal when the command names prod in any spelling the text shows. */
  check(command: string): void;
  /** `check`, then the host names the command mentions resolved: rejects when one is prod. */
  vet(command: string): Promise<void>;
}

export interface ProcessRunner {
  /** The scrubbed environment child processes get: sandbox values only. */
  readonly env: Readonly<Record<string, string>>;
  /** Vets `file args…`, then runs it; rejects with the refusal when the command names prod. */
  run(file: string, args: string[], opts?: RunOptions): Promise<Result>;
  /** Starts a shell command, checked (callers vet it first: `vet` resolves names, which cannot wait here). */
  shell(command: string, opts?: RunOptions): ResultPromise;
  vet(command: string): Promise<void>;
}

/** How an argument vector reads as a command line, for vetting. */
function commandLine(file: string, args: string[]): string {
  return [file, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export function createProcessRunner(env: Record<string, string>, recheck: () => void, vetting: CommandVetting): ProcessRunner {
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
    async run(file, args, opts) {
      await vetting.vet(commandLine(file, args));
      recheck();
      return execa(file, args, common(opts));
    },
    shell(command, opts) {
      vetting.check(command);
      recheck();
      return execa(command, { ...common(opts), shell: '/bin/sh' });
    },
    vet: (command) => vetting.vet(command),
  };
}
