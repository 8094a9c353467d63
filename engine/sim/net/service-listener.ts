import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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
  constructor(
    readonly name: string,
    private readonly handler: Handler,
    port = 0,
    private readonly onClientError?: ClientErrorHandler,
  ) {
    super(port);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  protected createServer(): Server {
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
    return server;
  }
}
