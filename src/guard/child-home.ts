import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Env } from '../config/paths.ts';
import type { StaticIdentity } from './static-rules.ts';

const PASSTHROUGH_ENV = ['PATH', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TERM', 'TZ', 'TMPDIR', 'NO_COLOR'];

/** Variables the guard sets itself for children: passing the operator's would undo it. */
export const PINNED_CHILD_ENV = /^(HOME|KUBECONFIG|KUBECACHEDIR|VAULT_.*|PG.*|GIT_.*|XDG_.*|LAB_SANDBOX)$/;

export interface ChildHome {
  /** What children get as their environment. */
  env: Record<string, string>;
  /** Removes the private home (at exit). */
  remove(): void;
}

/**
 * A home of the sandbox's own for child processes: the ecosystem's tools look for credentials
 * in `$HOME` by themselves (the Vault CLI's ~/.vault-token, libpq's ~/.pgpass, git's credential
 * helpers, ~/.ssh), so they get a private one holding only the sandbox-only kubeconfig and, when
 * allowed, the sandbox token; every other lookup is pinned to an empty file.
 */
export function createChildHome(env: Env, id: StaticIdentity, kubeconfig: string, sandboxToken: () => string | undefined): ChildHome {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-tui-'));
  const home = path.join(dir, 'home');
  const empty = path.join(dir, 'empty');
  fs.mkdirSync(path.join(home, '.kube', 'cache'), { recursive: true, mode: 0o700 });
  fs.mkdirSync(empty, { mode: 0o700 });
  const write = (file: string, text: string) => fs.writeFileSync(file, text, { mode: 0o600 });
  write(path.join(home, '.kube', 'config'), kubeconfig);
  write(path.join(home, '.vault-token'), (id.vault?.childToken && sandboxToken()) || '');
  for (const f of ['vault-config.hcl', 'pgpass', 'pg_service.conf']) write(path.join(empty, f), '');

  const out: Record<string, string> = {};
  for (const k of [...PASSTHROUGH_ENV, ...id.childEnv.pass]) if (env[k] !== undefined) out[k] = env[k]!;
  Object.assign(out, {
    HOME: id.childEnv.home === 'real' && env.HOME ? env.HOME : home,
    KUBECONFIG: path.join(home, '.kube', 'config'),
    KUBECACHEDIR: path.join(home, '.kube', 'cache'),
    VAULT_CONFIG_PATH: path.join(empty, 'vault-config.hcl'),
    PGPASSFILE: path.join(empty, 'pgpass'),
    PGSERVICEFILE: path.join(empty, 'pg_service.conf'),
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    LAB_SANDBOX: id.name,
  });
  if (id.vault) out.VAULT_ADDR = id.vault.address;
  if (id.postgres) Object.assign(out, { PGHOST: id.postgres.host, PGPORT: String(id.postgres.port), PGUSER: id.postgres.user, PGDATABASE: id.postgres.database });
  return { env: out, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
