import { createHash, createPrivateKey, createPublicKey, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { bitString, bool, explicit, integer, octetString, oid, sequence, set, time, tlv, utf8 } from './der.ts';

const ED25519 = '1.3.101.112';
const COMMON_NAME = '2.5.4.3';
const ORGANIZATION = '2.5.4.10';
// PKCS#8 wrapper of a raw Ed25519 seed: lets a seeded PRNG produce reproducible CA keys.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function keyPairFromSeed(seed: Buffer): KeyPair {
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed.subarray(0, 32)]), format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

function name(commonName: string): Buffer {
  return sequence(set(sequence(oid(ORGANIZATION), utf8('Arcodange Lab Sandbox'))), set(sequence(oid(COMMON_NAME), utf8(commonName))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [bool(true)] : []), octetString(value));
}

function keyId(key: KeyObject): Buffer {
  return createHash('sha1').update(key.export({ type: 'spki', format: 'der' })).digest();
}

export interface CertificateRequest {
  subject: string;
  dnsNames: string[];
  serial: Buffer;
  notBefore: number;
  notAfter: number;
  subjectKey: KeyObject;
  issuer: { name: string; key: KeyPair };
  ca: boolean;
}

/** A real, verifiable X.509 v3 certificate (Ed25519 signed), returned as PEM. */
export function issueCertificate(req: CertificateRequest): string {
  const extensions = [
    extension('2.5.29.19', true, sequence(...(req.ca ? [bool(true)] : []))),
    extension('2.5.29.15', true, bitString(Buffer.from([req.ca ? 0x06 : 0x80]))),
    extension('2.5.29.14', false, octetString(keyId(req.subjectKey))),
    extension('2.5.29.35', false, sequence(tlv(0x80, keyId(req.issuer.key.publicKey)))),
  ];
  if (req.dnsNames.length) extensions.push(extension('2.5.29.17', false, sequence(...req.dnsNames.map((d) => tlv(0x82, Buffer.from(d))))));
  const tbs = sequence(
    explicit(0, integer(2)),
    integer(req.serial),
    sequence(oid(ED25519)),
    name(req.issuer.name),
    sequence(time(req.notBefore), time(req.notAfter)),
    name(req.subject),
    req.subjectKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...extensions)),
  );
  const signature = sign(null, tbs, req.issuer.key.privateKey);
  const der = sequence(tbs, sequence(oid(ED25519)), bitString(signature));
  const body = der.toString('base64').replace(/(.{64})/g, '$1\n').trimEnd();
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

/** Does `leafPem` chain to `rootPem` (signature and issuer), and is it inside its validity at `now`? */
export function verifyChain(leafPem: string, rootPem: string, now: number): { chainValid: boolean; expired: boolean } {
  const leaf = new X509Certificate(leafPem);
  const root = new X509Certificate(rootPem);
  const chainValid = leaf.checkIssued(root) && leaf.verify(root.publicKey);
  const expired = now >= Date.parse(leaf.validTo) || now < Date.parse(leaf.validFrom);
  return { chainValid, expired };
}

export function fingerprint256(pem: string): string {
  return new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase();
}
