import { createSecureContext, type SecureContext } from 'node:tls';
import type { KubeObject } from '../kube/kube-object.ts';
import type { KubeStore } from '../kube/store.ts';
import { resourceForKind } from '../kube/resources.ts';
import { issueCertificate, keyPairFromSeed } from '../pki/x509.ts';
import type { Prng } from '../prng.ts';
import type { StepCa } from '../world/stepca.ts';
import type { ContextFor } from './tls-listener.ts';

const INGRESS = resourceForKind('networking.k8s.io/v1', 'Ingress');
const SECRET = resourceForKind('v1', 'Secret');
const YEAR = 365 * 86_400_000;

type IngressObject = KubeObject & { spec?: { tls?: { hosts?: string[]; secretName?: string }[] } };
type SecretObject = KubeObject & { data?: Record<string, string> };

/** Contexts are rebuilt only when what they are made of changes (a re-issue), not per handshake. */
function cached(): (key: string, make: () => SecureContext) => SecureContext {
  const contexts = new Map<string, SecureContext>();
  return (key, make) => {
    let c = contexts.get(key);
    if (!c) {
      if (contexts.size > 64) contexts.clear();
      c = make();
      contexts.set(key, c);
    }
    return c;
  };
}

/**
 * Traefik's TLS for the Ingresses: the host's Ingress names a kubernetes.io/tls Secret, whose
 * tls.crt/tls.key are served; a name no Ingress claims gets Traefik's own self-signed
 * "TRAEFIK DEFAULT CERT", as the real one serves.
 */
export function traefikCertificates(store: KubeStore, prng: Prng, now: number): ContextFor {
  const key = keyPairFromSeed(prng.bytes(32));
  const label = prng.hex(32);
  const defaultPem = issueCertificate({
    subject: 'TRAEFIK DEFAULT CERT',
    dnsNames: [`${label.slice(0, 16)}.${label.slice(16)}.traefik.default`],
    serial: prng.bytes(16),
    notBefore: now,
    notAfter: now + YEAR,
    subjectKey: key.publicKey,
    issuer: { name: 'TRAEFIK DEFAULT CERT', key },
    ca: false,
  });
  const defaultKey = key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const context = cached();
  return (servername) => {
    const host = servername?.toLowerCase();
    for (const ing of store.list<IngressObject>(INGRESS)) {
      const tls = ing.spec?.tls?.find((t) => t.secretName && t.hosts?.some((h) => h.toLowerCase() === host));
      if (!tls) continue;
      const secret = store.get<SecretObject>(SECRET, ing.metadata.namespace, tls.secretName!);
      const crt = secret?.data?.['tls.crt'];
      const keyData = secret?.data?.['tls.key'];
      if (!crt || !keyData) continue;
      return context(crt, () => createSecureContext({ cert: Buffer.from(crt, 'base64'), key: Buffer.from(keyData, 'base64') }));
    }
    return context('default', () => createSecureContext({ cert: defaultPem, key: defaultKey }));
  };
}

/** A service outside the cluster serving its own certificate file (re-issued in place). */
export function endpointCertificate(stepca: StepCa, name: string): ContextFor {
  const context = cached();
  return () => {
    const c = stepca.certificates.get(name)!;
    return context(c.serial, () => createSecureContext({ cert: c.pem, key: c.keyPem }));
  };
}
