import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';

export class GitError extends Error {
  constructor(
    readonly command: string,
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(`git ${command} failed (exit ${exitCode}): ${stderr.trim()}`);
    this.name = 'GitError';
  }
}

/**
 * The environment lab-sim's own git runs with: built from scratch, so nothing from the caller's
 * git set-up (GIT_DIR, hooks, credential helpers, a global config) reaches the lab's repositories.
 */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: tmpdir(),
    LANG: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    ...extra,
  };
}

/** Runs `git args…` and resolves to its stdout; rejects with git's stderr on a non-zero exit. */
export function runGit(args: string[], opts: { cwd?: string; input?: string | Buffer; env?: Record<string, string> } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: opts.cwd, env: gitEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new GitError(args.find((a) => !a.startsWith('-') && !a.includes('=')) ?? args[0] ?? '', Buffer.concat(err).toString('utf8'), code));
    });
    // A git that exits before reading its input (an error) must not crash the sim with EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}
