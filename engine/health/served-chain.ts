import { isIP } from 'node:net';
import tls from 'node:tls';
import { isRefusal, type TlsConnect } from '../adapters/socket-policy.ts';
import { leafFacts } from './cert-facts.ts';
import { opensslWording } from './openssl-wording.ts';
import type { CertRow, CertSource } from './types.ts';

/** A TLS service to check: `name` is the host its certificate must match (and the SNI), `address` the `host:port` dialled. */
export interface TlsTarget {
  source: Extract<CertSource, 'endpoint' | 'ingress'>;
  name: string;
  address: string;
}

function splitHostPort(address: string): { host: string; port: number } {
  const m = /^\[?(.*?)\]?:(\d+)$/.exec(address);
  if (!m) throw new Error(`not host:port: ${address}`);
  return { host: m[1]!, port: Number(m[2]) };
}

/**
 * Handshakes with `target` and judges the chain it serves against Step-CA's root alone (not the
 * system's CA store): OpenSSL verifies chain and validity, then the name is matched as Node's
 * https would. A failure keeps the verifier's wording; a guard refusal is not a certificate
 * problem and is thrown.
 */
export function checkServedChain(connect: TlsConnect, target: TlsTarget, rootPem: string, timeoutMs: number, now: Date): Promise<CertRow> {
  const row = (r: Omit<CertRow, 'name' | 'source'>): CertRow => ({ name: target.name, source: target.source, ...r });
  return new Promise((resolve, reject) => {
    let socket: tls.TLSSocket;
    try {
      const { host, port } = splitHostPort(target.address);
      socket = connect({
        host,
        port,
        // SNI carries names only (RFC 6066); an address is matched against the IP SANs.
        ...(isIP(target.name) ? {} : { servername: target.name }),
        ca: [rootPem],
        rejectUnauthorized: false,
        checkServerIdentity: () => undefined,
        timeout: timeoutMs,
      });
    } catch (e) {
      return isRefusal(e) ? reject(e) : resolve(row({ chainValid: false, error: (e as Error).message }));
    }
    const done = (r: CertRow | Error) => {
      socket.destroy();
      if (r instanceof Error) reject(r);
      else resolve(r);
    };
    socket.once('timeout', () => done(row({ chainValid: false, error: `no TLS handshake within ${timeoutMs} ms (${target.address})` })));
    socket.once('error', (e) => done(isRefusal(e) ? e : row({ chainValid: false, error: e.message })));
    socket.once('secureConnect', () => {
      // The legacy object first: once getPeerX509Certificate() has run, Node 20 hands back {} for it.
      const peer = socket.getPeerCertificate();
      const leaf = socket.getPeerX509Certificate();
      if (!leaf) return done(row({ chainValid: false, error: `${target.address} served no certificate` }));
      const facts = leafFacts(leaf, now);
      const code = socket.authorizationError as unknown as string | null;
      const error = code ? opensslWording(code) : tls.checkServerIdentity(target.name, peer)?.message;
      done(row({ ...facts, chainValid: !error, ...(error ? { error } : {}) }));
    });
  });
}
