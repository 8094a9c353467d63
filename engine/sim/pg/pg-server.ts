import { createServer, type Server, type Socket } from 'node:net';
import { SwitchableListener } from '../net/switchable-listener.ts';
import type { Prng } from '../prng.ts';
import type { Postgres } from '../world/postgres.ts';
import type { Controller, World } from '../world/world.ts';
import { PgSession, type PgServerContext } from './pg-session.ts';
import { scramVerifier } from './scram.ts';
import { databaseExists } from './sql-statements.ts';

export interface PgServerOptions {
  world: World;
  postgres: Postgres;
  /** The bootstrap superuser's password; only its SCRAM verifier is kept (in the model's roles). */
  password: string;
  /** Salt, decoy salt and process ids: seeded, so runs replay identically. */
  prng: Prng;
  port?: number;
}

/**
 * PostgreSQL's port on pi2, on 127.0.0.1: open while the model says the server is up, closed
 * (connections refused, open sessions reset) while pi2 is off or the container is still starting.
 * It is also the world controller that ends sessions whose database was dropped behind their back.
 */
export class PgServer extends SwitchableListener implements Controller {
  readonly name = 'postgres-wire';
  private readonly sessions = new Set<PgSession>();
  private readonly context: PgServerContext;
  private readonly postgres: Postgres;

  constructor(opts: PgServerOptions) {
    super(opts.port ?? 0);
    const { world, postgres, prng } = opts;
    this.postgres = postgres;
    const version = world.topology.postgres.version;
    let processId = 40 + Math.floor(prng.next() * 1000);
    postgres.roles.setVerifier(postgres.roles.bootstrapSuperuser, scramVerifier(opts.password, prng.bytes(16)));
    this.context = {
      postgres,
      decoy: scramVerifier(prng.hex(32), prng.bytes(16)),
      serverVersion: version,
      versionText: `PostgreSQL ${version} (Debian ${version}-1.pgdg120+1) on aarch64-unknown-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit`,
      nextProcessId: () => ++processId,
      otherSessions: (database, self) => [...this.sessions].filter((s) => s !== self && s.database === database).length,
      terminateSessions: (database, except) => {
        for (const s of this.sessions) if (s !== except && s.database === database) s.terminate();
      },
      changed: () => world.settle(),
    };
  }

  get host(): string {
    return '127.0.0.1';
  }

  get listeningPort(): number {
    return this.port;
  }

  reconcile(): void {
    void this.setUp(this.postgres.isUp());
    // A db-drop fault is DROP DATABASE … WITH (FORCE) run elsewhere: its sessions are ended.
    for (const s of this.sessions) if (s.database !== undefined && !databaseExists(this.postgres, s.database)) s.terminate();
  }

  protected createServer(): Server {
    return createServer({ noDelay: true }, (socket) => {
      const session = new PgSession(socket, this.context);
      this.sessions.add(session);
      socket.on('close', () => this.sessions.delete(session));
    });
  }

  /** The machine is gone: no FATAL message, the client sees its connection reset. */
  protected override cut(socket: Socket): void {
    socket.resetAndDestroy();
  }
}
