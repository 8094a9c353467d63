import type { X509Certificate } from 'node:crypto';

const DAY_MS = 86_400_000;

/** The CN of an X.509 name as Node prints it (`O=...\nCN=...`), else the whole name on one line. */
export function commonName(name: string): string {
  return /^CN=(.*)$/m.exec(name)?.[1] ?? name.replace(/\n/g, ', ');
}

/** Whole days from `now` until `notAfter`. */
export function daysLeft(notAfter: Date, now: Date): number {
  return Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
}

/** What the operator reads of a leaf: who it is, who issued it, until when. */
export function leafFacts(leaf: X509Certificate, now: Date): { subject: string; issuer: string; notAfter: string; daysToExpiry: number } {
  const notAfter = new Date(leaf.validTo);
  return { subject: commonName(leaf.subject), issuer: commonName(leaf.issuer), notAfter: notAfter.toISOString(), daysToExpiry: daysLeft(notAfter, now) };
}
