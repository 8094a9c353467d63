import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SETPRIV, type PgBinaries, type ServerUser } from './binaries.ts';

export interface PgProcessOptions {
  binaries: PgBinaries;
  user: ServerUser;
  dataDir: string;
  /** Where the server's Unix socket lives (lab-sim's own superuser session connects there). */
  socketDir: string;
  port: number;
  /** The server's stderr log, appended across restarts (crash recovery shows there). */
  logFile: string;
  /** `-c name=value` settings on top of the data directory's postgresql.conf. */
  settings: Record<string, string>;
}

const READY_TIMEOUT_MS = 60_000;

/**
 * One postmaster on a data directory: started in the foreground (so lab-sim holds it as a
 * child), ready once postmaster.pid says so (what `pg_ctl -w` waits for), and stopped with
 * SIGQUIT, PostgreSQL's immediate shutdown (`pg_ctl stop -m immediate`): no checkpoint, so the
 * next start runs crash recovery, as after a power loss.
 */
export class PgProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly opts: PgProcessOptions) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const { binaries, user, dataDir, socketDir, port, logFile, settings } = this.opts;
    const args = ['-D', dataDir, '-p', String(port), '-c', `unix_socket_directories=${socketDir}`, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
    const [command, argv] = SETPRIV ? [SETPRIV, ['--pdeathsig', 'QUIT', '--', binaries.postgres, ...args]] : [binaries.postgres, args];
    const log = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      // LC_MESSAGES=C: the log and the errors clients get read as in any English-locale server.
      child = spawn(command as string, argv as string[], { uid: user.uid, gid: user.gid, stdio: ['ignore', log, log], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', LC_MESSAGES: 'C' } });
    } finally {
      closeSync(log);
    }
    this.child = child;
    let exitedEarly = false;
    this.exited = new Promise((resolve) => {
      child.once('exit', () => {
        exitedEarly = true;
        if (this.child === child) this.child = undefined;
        resolve();
      });
      child.once('error', () => resolve());
    });
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await this.ready())) {
      if (exitedEarly || Date.now() > deadline) {
        await this.crash();
        throw new Error(`PostgreSQL did not start on ${dataDir}:\n${tail(logFile)}`);
      }
      await sleep(5);
    }
  }

  /** Fast shutdown (SIGINT): a clean stop with a shutdown checkpoint, for the cached template. */
  async shutdown(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGINT');
    await this.exited;
    this.child = undefined;
  }

  /** Immediate shutdown: the postmaster quits its backends without a checkpoint. */
  async crash(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGQUIT');
    await this.exited;
    this.child = undefined;
  }

  /** postmaster.pid's 8th line is the postmaster's status; "ready" once it accepts connections. */
  private async ready(): Promise<boolean> {
    try {
      const lines = (await readFile(join(this.opts.dataDir, 'postmaster.pid'), 'utf8')).split('\n');
      return Number(lines[0]) === this.child?.pid && lines[7]?.trim() === 'ready';
    } catch {
      return false;
    }
  }
}

/** A loopback port free right now, for a server that binds it itself. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}
