import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { SwitchableListener } from './switchable-listener.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
/** Called for requests node's HTTP parser cannot parse (see vault/list-verb.ts). */
export type ClientErrorHandler = (err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex, port: number) => void;

/**
 * An HTTP listener on 127.0.0.1 that can be taken down and brought back on the same port, so a
 * powered-off service refuses connections and every open stream (watches) is cut, like a real
 * machine losing power.
 */
export class ServiceListener extends SwitchableListener {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port: number;

  constructor(
    readonly name: string,
    private readonly handler: Handler,
    port = 0,
    private readonly onClientError?: ClientErrorHandler,
  ) {
    super();
    this.port = port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  protected listen(): Promise<void> {
    if (this.server) return Promise.resolve();
    const server = createServer({ noDelay: true, keepAlive: true }, (req, res) => {
      Promise.resolve(this.handler(req, res)).catch((err: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end(String(err));
        } else {
          res.destroy();
        }
      });
    });
    if (this.onClientError) {
      const onClientError = this.onClientError;
      server.on('clientError', (err, socket) => onClientError(err, socket, this.port));
    }
    server.on('connection', (socket) => {
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
        server.off('error', reject);
        const address = server.address();
        if (address && typeof address === 'object') this.port = address.port;
        resolve();
      });
    });
  }

  protected close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    this.server = undefined;
    return new Promise((resolve) => {
      server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
      this.sockets.clear();
    });
  }
}
