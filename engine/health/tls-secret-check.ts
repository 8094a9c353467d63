import { X509Certificate } from 'node:crypto';
import { leafFacts } from './cert-facts.ts';
import type { CertRow } from './types.ts';

/** A kubernetes.io/tls Secret as the check keeps it: its certificate chain only, never `tls.key`. */
export interface TlsSecretCert {
  namespace: string;
  name: string;
  crtPem: string;
}

const PEM = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;

function validity(c: X509Certificate, now: Date): string | undefined {
  if (now.getTime() >= Date.parse(c.validTo)) return 'certificate has expired';
  if (now.getTime() < Date.parse(c.validFrom)) return 'certificate is not yet valid';
  return undefined;
}

/**
 * The chain in tls.crt (leaf first, then any intermediates) walked up to Step-CA's root, as
 * OpenSSL's verifier would, in its words: no stored certificate is served, so no handshake can
 * judge it.
 */
export function checkTlsSecret(secret: TlsSecretCert, rootPem: string, now: Date): CertRow {
  const base = { name: `${secret.namespace}/${secret.name}`, source: 'secret' as const };
  let chain: X509Certificate[];
  try {
    chain = (secret.crtPem.match(PEM) ?? []).map((p) => new X509Certificate(p));
  } catch (e) {
    return { ...base, chainValid: false, error: `tls.crt: ${(e as Error).message}` };
  }
  const leaf = chain[0];
  if (!leaf) return { ...base, chainValid: false, error: 'tls.crt holds no certificate' };
  const root = new X509Certificate(rootPem);
  const facts = leafFacts(leaf, now);
  let current = leaf;
  let error: string | undefined;
  for (let depth = 0; !error; depth++) {
    error = validity(current, now);
    if (error) break;
    if (current.checkIssued(root)) {
      error = !current.verify(root.publicKey) ? 'certificate signature failure' : validity(root, now);
      break;
    }
    const issuer = chain.slice(1).find((c) => c !== current && current.checkIssued(c));
    // OpenSSL's words: a lone leaf whose issuer is not the root "cannot be verified"; a bundle whose top is not, "has no local issuer".
    if (!issuer || depth > chain.length) error = chain.length === 1 ? 'unable to verify the first certificate' : 'unable to get local issuer certificate';
    else if (!current.verify(issuer.publicKey)) error = 'certificate signature failure';
    else current = issuer;
  }
  return { ...base, ...facts, chainValid: !error, ...(error ? { error } : {}) };
}
