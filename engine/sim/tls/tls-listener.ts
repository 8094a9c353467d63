import { createServer, type Server } from 'node:https';
import type { SecureContext } from 'node:tls';
import { SwitchableListener } from '../net/switchable-listener.ts';

/** The key and chain a listener presents for a server name (SNI), looked up at each handshake. */
export type ContextFor = (servername: string | undefined) => SecureContext;

/**
 * An HTTPS listener on 127.0.0.1 that picks its certificate at every handshake, as Traefik does
 * from the Ingresses' Secrets: a re-issued certificate is served without a restart. It answers
 * every request with the 404 a router without a matching backend gives: lab-sim serves the TLS of
 * these services, not their applications.
 */
export class TlsListener extends SwitchableListener {
  constructor(
    readonly name: string,
    private readonly contextFor: ContextFor,
    port = 0,
  ) {
    super(port);
  }

  /** `host:port`, as lab-tui's configuration names a TLS endpoint. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  protected createServer(): Server {
    const server = createServer({ SNICallback: (servername, cb) => cb(null, this.contextFor(servername || undefined)) }, (_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
    });
    // A client that gives up mid-handshake (a health check with a short timeout) is not an error here.
    server.on('tlsClientError', () => undefined);
    return server;
  }
}
