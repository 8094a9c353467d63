import { createProcessRunner, type ProcessRunner } from '../../engine/adapters/process.ts';
import type { Env } from '../config/paths.ts';
import { refuse } from './refusal.ts';

/**
 * git for `gate promote --evidence-repo`: read-only (clone/fetch of the evidence branch into
 * lab-tui's cache), run in CI where there is no sandbox to identify, so no sandbox is resolved.
 * It gets the caller's own environment: CI hands git its credentials there (GIT_CONFIG_*, a
 * credential helper in ~/.gitconfig, GIT_ASKPASS), never on a command line. Anything but git is
 * refused: this runner exists for that one read.
 */
export function evidenceReaderGit(env: Env): ProcessRunner {
  const childEnv = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const onlyGit = (command: string) => {
    if (!/^git(\s|$)/.test(command)) refuse(command, 'evidence.reader', 'the evidence reader runs git only', 'report this as a lab-tui bug');
  };
  return createProcessRunner(childEnv, () => {}, { check: onlyGit, vet: async (command) => onlyGit(command) });
}
