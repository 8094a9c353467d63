import { createPrng, type Prng } from '../prng.ts';
import { resourceForKind } from '../kube/resources.ts';
import { fingerprint256, issueCertificate, keyPairFromSeed, verifyChain, type KeyPair } from '../pki/x509.ts';
import type { CertificateSpec } from '../topology/topology-types.ts';
import type { Kubelet } from './kubelet.ts';
import type { World } from './world.ts';

export interface IssuedCertificate {
  name: string;
  commonName: string;
  pem: string;
  /** The leaf's private key (PKCS#8 PEM): what the serving side holds; never leaves lab-sim but in its tls Secret. */
  keyPem: string;
  serial: string;
  notBefore: number;
  notAfter: number;
  issuerFingerprint: string;
  spec: CertificateSpec;
}

const DAY = 86_400_000;
const BACKDATE = 60_000;
const SECRET = resourceForKind('v1', 'Secret');
const INGRESS = resourceForKind('networking.k8s.io/v1', 'Ingress');

/** The kubernetes.io/tls Secret an Ingress of the lab names (Traefik reads its certificate there). */
export function tlsSecretName(certificateName: string): string {
  return `${certificateName}-tls`;
}

/**
 * Step-CA inside k3s: a root (Ed25519, keys derived from the seeded PRNG) and the sandbox's
 * *.sandbox.arcodange.lab certificates. ca-reinit makes a new root, so every certificate issued
 * before fails chain validation until it is re-issued. A certificate served through Traefik lives
 * in its app's kubernetes.io/tls Secret, beside the app's Ingress: a re-issue rewrites the Secret.
 */
export class StepCa {
  private rootKey: KeyPair;
  rootPem: string;
  rootCreatedAt: number;
  readonly certificates = new Map<string, IssuedCertificate>();
  // The Secrets' and Ingresses' uids come from a stream of their own: the world's seeded ids
  // (pods, engines) that recorded scenarios replay must not shift.
  private readonly objectIds: Prng;

  constructor(
    private readonly world: World,
    private readonly kubelet: Kubelet,
  ) {
    this.rootCreatedAt = world.now() - 400 * DAY;
    const rootSeed = world.prng.bytes(32);
    this.objectIds = createPrng(rootSeed.readUInt32LE(0) ^ 0x7463);
    this.rootKey = keyPairFromSeed(rootSeed);
    this.rootPem = this.makeRoot();
    for (const c of world.topology.stepca.certificates) {
      this.issue(c, c.expiresIn);
      if (c.ingress) this.createIngress(c, c.ingress);
    }
  }

  get rootFingerprint(): string {
    return fingerprint256(this.rootPem);
  }

  isUp(): boolean {
    return this.kubelet.runningInstance('step-ca', 'step-ca') !== undefined;
  }

  private makeRoot(): string {
    const name = this.world.topology.stepca.rootCommonName;
    return issueCertificate({
      subject: name,
      dnsNames: [],
      serial: this.world.prng.bytes(16),
      notBefore: this.rootCreatedAt,
      notAfter: this.rootCreatedAt + 10 * 365 * DAY,
      subjectKey: this.rootKey.publicKey,
      issuer: { name, key: this.rootKey },
      ca: true,
    });
  }

  /** Issues with `remaining` left from now (the manifest's certificates were issued earlier). */
  private issue(spec: CertificateSpec, remaining: number): IssuedCertificate {
    const now = this.world.now();
    const lifetime = this.world.topology.stepca.reissueLifetime;
    const notAfter = now + remaining;
    // step-ca backdates notBefore by a minute (its `backdate` default) for clock skew. lab-sim's
    // clock may also run ahead of the machine's (a manual clock advanced by a drill), and the
    // verifier (OpenSSL, in lab-tui) judges validity on the machine's: never start in its future.
    const notBefore = Math.min(now - BACKDATE, Date.now() - BACKDATE, notAfter - lifetime);
    const serial = this.world.prng.bytes(16);
    const leaf = keyPairFromSeed(this.world.prng.bytes(32));
    const pem = issueCertificate({
      subject: spec.commonName,
      dnsNames: [spec.commonName],
      serial,
      notBefore,
      notAfter,
      subjectKey: leaf.publicKey,
      issuer: { name: this.world.topology.stepca.rootCommonName, key: this.rootKey },
      ca: false,
    });
    const keyPem = leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const cert = { name: spec.name, commonName: spec.commonName, pem, keyPem, serial: serial.toString('hex'), notBefore, notAfter, issuerFingerprint: this.rootFingerprint, spec };
    this.certificates.set(spec.name, cert);
    if (spec.ingress) this.writeSecret(cert, spec.ingress.namespace);
    this.world.touch();
    return cert;
  }

  private writeSecret(cert: IssuedCertificate, namespace: string): void {
    const name = tlsSecretName(cert.name);
    const data = { 'tls.crt': Buffer.from(cert.pem).toString('base64'), 'tls.key': Buffer.from(cert.keyPem).toString('base64') };
    const updated = this.world.store.update(SECRET, namespace, name, (s) => void (s.data = data));
    if (updated) return;
    this.world.store.create(SECRET, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace, uid: this.objectIds.uid(), creationTimestamp: this.world.creationStamp() },
      type: 'kubernetes.io/tls',
      data,
    });
  }

  /** The app's Ingress as its chart renders it for k3s' Traefik: one host, TLS from the app's Secret. */
  private createIngress(spec: CertificateSpec, ingress: NonNullable<CertificateSpec['ingress']>): void {
    const lbIps = this.world.topology.nodes.map((n) => ({ ip: n.internalIP }));
    this.world.store.create(INGRESS, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: spec.name, namespace: ingress.namespace, uid: this.objectIds.uid(), creationTimestamp: this.world.creationStamp() },
      spec: {
        ingressClassName: 'traefik',
        rules: [{ host: spec.commonName, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: ingress.service, port: { number: ingress.port } } } }] } }],
        tls: [{ hosts: [spec.commonName], secretName: tlsSecretName(spec.name) }],
      },
      status: { loadBalancer: { ingress: lbIps } },
    });
  }

  reinit(): void {
    // Valid on the verifier's clock too (see issue()).
    this.rootCreatedAt = Math.min(this.world.now(), Date.now()) - BACKDATE;
    this.rootKey = keyPairFromSeed(this.world.prng.bytes(32));
    this.rootPem = this.makeRoot();
    this.world.touch();
  }

  reissueAll(): IssuedCertificate[] {
    return [...this.certificates.values()].map((c) => this.issue(c.spec, this.world.topology.stepca.reissueLifetime));
  }

  status(c: IssuedCertificate): { chainValid: boolean; expired: boolean } {
    return verifyChain(c.pem, this.rootPem, this.world.now());
  }
}
