import type { ProcessRunner } from '../adapters/process.ts';
import type { Redactor } from '../runbook/redact.ts';

/** One git step in the repository (`noRepo`: outside any); resolves to its trimmed stdout, rejects with a GitStepError in git's (redacted) words. */
export type Git = (step: string, args: string[], opts?: { input?: string; env?: Record<string, string>; noRepo?: boolean; cwd?: string }) => Promise<string>;

const DEFAULT_TIMEOUT_MS = 120_000;

/** A git command that failed: which step, and git's own (redacted) words. */
export class GitStepError extends Error {
  constructor(
    readonly step: string,
    message: string,
    readonly exitCode?: number,
  ) {
    super(message);
    this.name = 'GitStepError';
  }
}

/** Credentials a URL may carry (`https://user:token@host`), hidden wherever a remote is shown. */
export function withoutCredentials(remote: string): string {
  return remote.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1');
}

/** `repoArgs` name the repository for git (`--git-dir DIR`, `-C DIR`); per command, default 120 s: the network steps can hang. */
export function gitCaller(o: { runner: ProcessRunner; repoArgs: string[]; redactor: Redactor; timeoutMs?: number; signal?: AbortSignal }): Git {
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return async (step, args, opts = {}) => {
    const r = await o.runner.run('git', opts.noRepo ? args : [...o.repoArgs, ...args], {
      input: opts.input,
      cwd: opts.cwd,
      timeoutMs,
      signal: o.signal,
      // No terminal to answer a credential prompt: fail at once instead of hanging until the timeout.
      env: { GIT_TERMINAL_PROMPT: '0', ...opts.env },
    });
    if (!r.failed && r.exitCode === 0) return typeof r.stdout === 'string' ? r.stdout.trim() : '';
    // git's several lines of advice become one, so the error reads as one line of the report.
    const stderr = typeof r.stderr === 'string' ? r.stderr.split('\n').map((l) => l.trim()).filter(Boolean).join(' ') : '';
    const why = r.timedOut
      ? `timed out after ${timeoutMs} ms`
      : r.isCanceled
        ? 'cancelled'
        : stderr || (r.exitCode === undefined ? (r.originalMessage ?? 'could not start git') : `exit code ${r.exitCode}`);
    const code = r.exitCode === undefined ? '' : ` (exit ${r.exitCode})`;
    throw new GitStepError(step, `git ${step} failed${code}: ${withoutCredentials(o.redactor.redact(why))}`, r.exitCode);
  };
}
