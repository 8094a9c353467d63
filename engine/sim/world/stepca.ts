import { fingerprint256, issueCertificate, keyPairFromSeed, verifyChain, type KeyPair } from '../pki/x509.ts';
import type { Kubelet } from './kubelet.ts';
import type { World } from './world.ts';

export interface IssuedCertificate {
  name: string;
  commonName: string;
  pem: string;
  serial: string;
  notBefore: number;
  notAfter: number;
  issuerFingerprint: string;
}

const DAY = 86_400_000;

/**
 * Step-CA inside k3s: a root (Ed25519, keys derived from the seeded PRNG) and the sandbox's
 * *.sandbox.arcodange.lab certificates. ca-reinit makes a new root, so every certificate issued
 * before fails chain validation until it is re-issued.
 */
export class StepCa {
  private rootKey: KeyPair;
  rootPem: string;
  rootCreatedAt: number;
  readonly certificates = new Map<string, IssuedCertificate>();

  constructor(
    private readonly world: World,
    private readonly kubelet: Kubelet,
  ) {
    this.rootCreatedAt = world.now() - 400 * DAY;
    this.rootKey = keyPairFromSeed(world.prng.bytes(32));
    this.rootPem = this.makeRoot();
    for (const c of world.topology.stepca.certificates) {
      this.issue(c.name, c.commonName, c.expiresIn);
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

  /** Issues with `lifetime` remaining from now (the manifest's certificates were issued earlier). */
  private issue(name: string, commonName: string, remaining: number): IssuedCertificate {
    const now = this.world.now();
    const lifetime = this.world.topology.stepca.reissueLifetime;
    const notAfter = now + remaining;
    const notBefore = Math.min(now, notAfter - lifetime);
    const serial = this.world.prng.bytes(16);
    const leaf = keyPairFromSeed(this.world.prng.bytes(32));
    const pem = issueCertificate({
      subject: commonName,
      dnsNames: [commonName],
      serial,
      notBefore,
      notAfter,
      subjectKey: leaf.publicKey,
      issuer: { name: this.world.topology.stepca.rootCommonName, key: this.rootKey },
      ca: false,
    });
    const cert = { name, commonName, pem, serial: serial.toString('hex'), notBefore, notAfter, issuerFingerprint: this.rootFingerprint };
    this.certificates.set(name, cert);
    this.world.touch();
    return cert;
  }

  reinit(): void {
    this.rootCreatedAt = this.world.now();
    this.rootKey = keyPairFromSeed(this.world.prng.bytes(32));
    this.rootPem = this.makeRoot();
    this.world.touch();
  }

  reissueAll(): IssuedCertificate[] {
    return [...this.certificates.values()].map((c) => this.issue(c.name, c.commonName, this.world.topology.stepca.reissueLifetime));
  }

  status(c: IssuedCertificate): { chainValid: boolean; expired: boolean } {
    return verifyChain(c.pem, this.rootPem, this.world.now());
  }
}
