import { issueCertificate, keyPairFromSeed } from '../../pki/x509.ts';
import type { Prng } from '../../prng.ts';

const TEN_YEARS_MS = 10 * 365 * 86_400_000;

/**
 * k3s' server CA (`k3s-server-ca@<unix time>`), self-signed, made when the cluster was built: what
 * the tokens controller puts in a token Secret's `ca.crt`. Its key comes from the caller's stream.
 */
export function clusterCaCertificate(prng: Prng, builtAt: number): string {
  const key = keyPairFromSeed(prng.bytes(32));
  const name = `k3s-server-ca@${Math.floor(builtAt / 1000)}`;
  return issueCertificate({ subject: name, dnsNames: [], serial: prng.bytes(16), notBefore: builtAt, notAfter: builtAt + TEN_YEARS_MS, subjectKey: key.publicKey, issuer: { name, key }, ca: true });
}
