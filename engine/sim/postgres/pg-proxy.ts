import { connect, createServer, type Server, type Socket } from 'node:net';
import { SwitchableListener } from '../net/switchable-listener.ts';

/**
 * pi2's PostgreSQL port: a TCP relay to the real server's private port. It is open only while
 * the server runs; when pi2 loses power it closes, so new connections are refused and open
 * sessions are reset (RST, no FATAL message: a machine without power says nothing), the way
 * every other lab-sim listener goes down. The relay also keeps the lab's port stable across the
 * server's restarts.
 */
export class PgProxy extends SwitchableListener {
  private readonly upstreams = new WeakMap<Socket, Socket>();

  constructor(
    port: number | undefined,
    private readonly target: () => number,
  ) {
    super(port ?? 0);
  }

  get listeningPort(): number {
    return this.port;
  }

  protected createServer(): Server {
    return createServer({ noDelay: true }, (client) => {
      const upstream = connect({ host: '127.0.0.1', port: this.target(), noDelay: true });
      this.upstreams.set(client, upstream);
      // Ends flow through the pipes (a FATAL reply still reaches the client); errors end both.
      client.on('error', () => upstream.destroy()).on('close', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.pipe(upstream).pipe(client);
    });
  }

  protected override cut(socket: Socket): void {
    this.upstreams.get(socket)?.destroy();
    socket.resetAndDestroy();
  }
}
