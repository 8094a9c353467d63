import type { Server, Socket } from 'node:net';

/**
 * A loopback listener that a fault can take down and bring back on the same port, like a
 * machine losing power: while down, connections are refused and every open socket is cut.
 * Subclasses only say what server to run and how a cut looks to their clients.
 */
/** How long a listener coming back up waits for a client socket to let go of its port. */
const REBIND_MS = 10_000;

export abstract class SwitchableListener {
  private wantedUp = false;
  private transitions: Promise<void> = Promise.resolve();
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** The port was ours once: coming back, it is taken back (see listen). */
  private held = false;

  constructor(protected port = 0) {}

  get isUp(): boolean {
    return this.wantedUp;
  }

  /** Binds once (resolving port 0 to a real port) and stays up until told otherwise. */
  async start(): Promise<void> {
    this.wantedUp = true;
    await this.listen();
  }

  /** Idempotent; transitions are serialised so down/up bursts land in order. */
  setUp(up: boolean): Promise<void> {
    if (up === this.wantedUp) return this.transitions;
    this.wantedUp = up;
    this.transitions = this.transitions.then(() => (up ? this.listen() : this.close()));
    return this.transitions;
  }

  async stop(): Promise<void> {
    this.wantedUp = false;
    await this.transitions;
    await this.close();
  }

  protected abstract createServer(): Server;

  /** How an open connection dies when the machine goes away. */
  protected cut(socket: Socket): void {
    socket.destroy();
  }

  /**
   * Taking a remembered port back can find it held by a client socket of some other process: while
   * the port was down, the kernel may have given it to an outgoing connection as its local port.
   * Such sockets are short-lived, so the port is tried again until it is free, for a bounded time.
   */
  private async listen(): Promise<void> {
    const deadline = Date.now() + REBIND_MS;
    for (;;) {
      try {
        return await this.listenOnce();
      } catch (err) {
        const retry = this.held && (err as NodeJS.ErrnoException).code === 'EADDRINUSE' && Date.now() < deadline && this.wantedUp;
        if (!retry) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  private listenOnce(): Promise<void> {
    if (this.server) return Promise.resolve();
    const server = this.createServer();
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', (err) => {
        this.server = undefined;
        reject(err);
      });
      server.listen(this.port, '127.0.0.1', () => {
        const address = server.address();
        if (address && typeof address === 'object') this.port = address.port;
        this.held = true;
        resolve();
      });
    });
  }

  private close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    this.server = undefined;
    return new Promise((resolve) => {
      server.close(() => resolve());
      for (const socket of this.sockets) this.cut(socket);
      this.sockets.clear();
    });
  }
}
