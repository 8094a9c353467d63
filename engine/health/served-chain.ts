import type { TlsHandshake } from '../adapters/tls-handshake.ts';
import { isRefusal } from '../common/refusal.ts';
import { leafFacts } from './cert-facts.ts';
import { opensslWording } from './openssl-wording.ts';
import type { CertRow, CertSource } from './types.ts';

/** A TLS service to check: `name` is the host its certificate must match (and the SNI), `address` the `host:port` dialled. */
export interface TlsTarget {
  source: Extract<CertSource, 'endpoint' | 'ingress'>;
  name: string;
  address: string;
}

/**
 * Judges the chain `target` serves against Step-CA's root alone: OpenSSL verifies chain and
 * validity, then the name is matched as Node's https would. A failure keeps the verifier's
 * wording; a guard refusal is not a certificate problem and is thrown.
 */
export async function checkServedChain(handshake: TlsHandshake, target: TlsTarget, rootPem: string, timeoutMs: number, now: Date): Promise<CertRow> {
  const row = (r: Omit<CertRow, 'name' | 'source'>): CertRow => ({ name: target.name, source: target.source, ...r });
  let served;
  try {
    served = await handshake(target, rootPem, timeoutMs);
  } catch (e) {
    if (isRefusal(e)) throw e;
    return row({ chainValid: false, error: (e as Error).message });
  }
  if (!served.leaf) return row({ chainValid: false, error: `${target.address} served no certificate` });
  const error = served.authorizationError ? opensslWording(served.authorizationError) : served.identityError;
  return row({ ...leafFacts(served.leaf, now), chainValid: !error, ...(error ? { error } : {}) });
}
