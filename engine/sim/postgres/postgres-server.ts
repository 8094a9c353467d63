import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import type { PostgresSpec } from '../topology/topology-types.ts';
import { adminSession, type AdminEndpoint } from './admin-session.ts';
import { pgBinaries, serverUser } from './binaries.ts';
import { claimDataDir, releaseDataDir } from './data-dirs.ts';
import { PgProxy } from './pg-proxy.ts';
import { freePort, PgProcess } from './server-process.ts';
import { ident, literal } from './sql-text.ts';
import { ensureTemplate } from './template.ts';

export interface PostgresServerOptions {
  stateDir: string;
  spec: PostgresSpec;
  /** The superuser's password; the server only ever receives its SCRAM verifier. */
  password: string;
  /** The verifier's salt (seeded, so the catalog is the same on every run). */
  salt: Buffer;
  /** `ports.postgres`: the lab's port; 0 or absent = ephemeral. */
  port?: number;
  /** Backups to name after their time on first start: [name in the template, name in the lab]. */
  backupNames: [string, string][];
}

/**
 * PostgreSQL 16 on pi2, for real: a copy of the cached template cluster, linked as
 * `<stateDir>/postgres/data`, its log in `<stateDir>/postgres/postgresql.log`, the lab's port
 * relayed to the server's private loopback port, and lab-sim's own superuser session over the
 * Unix socket.
 */
export class PostgresServer {
  readonly host = '127.0.0.1';
  readonly logFile: string;
  private readonly process: PgProcess;
  private admin: pg.Client | undefined;
  private initialised = false;

  private constructor(
    private readonly opts: PostgresServerOptions,
    private readonly dataDir: string,
    readonly endpoint: AdminEndpoint,
    private readonly proxy: PgProxy,
  ) {
    this.logFile = join(opts.stateDir, 'postgres', 'postgresql.log');
    // fsync=off: a power cut here kills the server process, not the machine, so the OS keeps
    // every write; the sandbox's data is rebuilt at each start and never needs the disk flushes.
    this.process = new PgProcess({ binaries: pgBinaries(), user: serverUser(), dataDir, socketDir: endpoint.socketDir, port: endpoint.port, logFile: this.logFile, settings: { listen_addresses: '127.0.0.1', fsync: 'off' } });
  }

  /** The server of a new sim, running, its lab port bound. */
  static async start(opts: PostgresServerOptions): Promise<PostgresServer> {
    const server = await PostgresServer.create(opts);
    try {
      await server.bind();
      await server.start();
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  private static async create(opts: PostgresServerOptions): Promise<PostgresServer> {
    const user = serverUser();
    const template = await ensureTemplate(opts.spec);
    const home = join(opts.stateDir, 'postgres');
    mkdirSync(home, { recursive: true });
    const dataDir = await claimDataDir(template, join(home, 'data'));
    // Unix socket paths are limited to ~100 bytes: a short private directory, not the state dir.
    const socketDir = mkdtempSync(join(tmpdir(), 'lab-sim-pg-'));
    chownSync(socketDir, user.uid, user.gid);
    const endpoint = { socketDir, port: await freePort() };
    const proxy = new PgProxy(opts.port, () => endpoint.port);
    return new PostgresServer(opts, dataDir, endpoint, proxy);
  }

  get port(): number {
    return this.proxy.listeningPort;
  }

  get running(): boolean {
    return this.process.running;
  }

  /** Binds the lab's port (closed until the server runs), so it is known before the first start. */
  async bind(): Promise<void> {
    await this.proxy.start();
    await this.proxy.setUp(false);
  }

  /** Starts the postmaster (crash recovery if it was cut), then opens the lab's port. */
  async start(): Promise<void> {
    if (!this.process.running) await this.process.start();
    const admin = await this.session();
    if (!this.initialised) {
      const renames = this.opts.backupNames.map(([from, to]) => `ALTER DATABASE ${ident(from)} RENAME TO ${ident(to)};`);
      await admin.query(`ALTER ROLE postgres PASSWORD ${literal(scramVerifier(this.opts.password, this.opts.salt))}; ${renames.join(' ')}`);
      this.initialised = true;
    }
    await this.proxy.setUp(true);
  }

  /** pi2 loses power: its port goes away (sessions reset), then the postmaster dies without a checkpoint. */
  async powerLoss(): Promise<void> {
    await this.proxy.setUp(false);
    await this.closeSession();
    await this.process.crash();
  }

  /** lab-sim's superuser session on `postgres`, reopened after a restart. */
  async session(): Promise<pg.Client> {
    this.admin ??= await adminSession(this.endpoint);
    return this.admin;
  }

  /** Forgets a session that failed (the server went away under it). */
  async closeSession(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.end().catch(() => undefined);
  }

  async stop(): Promise<void> {
    await this.proxy.stop();
    await this.closeSession();
    await this.process.crash();
    releaseDataDir(this.dataDir, join(this.opts.stateDir, 'postgres', 'data'));
    rmSync(this.endpoint.socketDir, { recursive: true, force: true });
  }
}

/** `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, as PostgreSQL stores a password. */
function scramVerifier(password: string, salt: Buffer): string {
  const iterations = 4096;
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
  const storedKey = createHash('sha256').update(hmac(salted, 'Client Key')).digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${hmac(salted, 'Server Key').toString('base64')}`;
}
