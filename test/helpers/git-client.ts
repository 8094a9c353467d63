import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Stock git as a user runs it, with no global configuration and no prompt (asynchronous: a
 * lab-sim in this very process must keep serving while git talks to it).
 */
export function gitClient(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<GitResult> {
  const env = { PATH: process.env.PATH ?? '', HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0', ...opts.env };
  return new Promise((resolve) => {
    execFile('git', args, { cwd: opts.cwd, env, encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Like gitClient, and throws with git's stderr when it fails. */
export async function git(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<string> {
  const r = await gitClient(args, opts);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout.trim();
}

/** git's command-scope configuration from the environment: how a header reaches git without a command line. */
export const headerEnv = (header: string): Record<string, string> => ({ GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: header });

export const scratchDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));
