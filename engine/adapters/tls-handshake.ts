import type { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import tls from 'node:tls';
import type { TlsConnect } from './socket-policy.ts';

/** What a TLS service served: its leaf, OpenSSL's verdict against the one trusted root, and the name check. */
export interface Handshake {
  leaf?: X509Certificate;
  /** OpenSSL's error code (`UNABLE_TO_VERIFY_LEAF_SIGNATURE`, `CERT_HAS_EXPIRED`...), null when the chain verifies. */
  authorizationError: string | null;
  /** Node's https name check, when the leaf does not name the host. */
  identityError?: string;
}

/** Handshakes with `address` (`host:port`) as `name` (SNI, and the name the leaf must match). */
export type TlsHandshake = (target: { name: string; address: string }, rootPem: string, timeoutMs: number) => Promise<Handshake>;

function splitHostPort(address: string): { host: string; port: number } {
  const m = /^\[?(.*?)\]?:(\d+)$/.exec(address);
  if (!m) throw new Error(`not host:port: ${address}`);
  return { host: m[1]!, port: Number(m[2]) };
}

/**
 * A handshake check through the guard's connect: only `rootPem` is trusted (not the system's CA
 * store), nothing is sent after the handshake. A failure to connect rejects (a guard refusal as
 * itself); what the server served is for the caller to judge.
 */
export function createTlsHandshake(connect: TlsConnect): TlsHandshake {
  return (target, rootPem, timeoutMs) =>
    new Promise((resolve, reject) => {
      const { host, port } = splitHostPort(target.address);
      const socket = connect({
        host,
        port,
        // SNI carries names only (RFC 6066); an address is matched against the IP SANs.
        ...(isIP(target.name) ? {} : { servername: target.name }),
        ca: [rootPem],
        rejectUnauthorized: false,
        checkServerIdentity: () => undefined,
        timeout: timeoutMs,
      });
      const done = (r: Handshake | Error) => {
        socket.destroy();
        if (r instanceof Error) reject(r);
        else resolve(r);
      };
      socket.once('timeout', () => done(new Error(`no TLS handshake within ${timeoutMs} ms (${target.address})`)));
      socket.once('error', (e) => done(e));
      socket.once('secureConnect', () => {
        // The legacy object first: once getPeerX509Certificate() has run, Node 20 hands back {} for it.
        const peer = socket.getPeerCertificate();
        const leaf = socket.getPeerX509Certificate();
        const authorizationError = (socket.authorizationError as unknown as string | null) ?? null;
        const identityError = leaf && !authorizationError ? tls.checkServerIdentity(target.name, peer)?.message : undefined;
        done({ leaf, authorizationError, ...(identityError ? { identityError } : {}) });
      });
    });
}
