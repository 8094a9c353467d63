import os from 'node:os';
import path from 'node:path';

export type Env = Record<string, string | undefined>;

export function homeDir(env: Env): string {
  return env.HOME || os.homedir();
}

/** Expands `~/` and resolves relative paths against the directory of the file that named them. */
export function resolvePath(p: string, baseDir: string, env: Env): string {
  if (p === '~') return homeDir(env);
  if (p.startsWith('~/')) return path.join(homeDir(env), p.slice(2));
  return path.resolve(baseDir, p);
}

export function xdgConfigHome(env: Env): string {
  return env.XDG_CONFIG_HOME || path.join(homeDir(env), '.config');
}

export function xdgDataHome(env: Env): string {
  return env.XDG_DATA_HOME || path.join(homeDir(env), '.local', 'share');
}

export function xdgCacheHome(env: Env): string {
  return env.XDG_CACHE_HOME || path.join(homeDir(env), '.cache');
}
