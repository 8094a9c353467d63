import { X509Certificate } from 'node:crypto';
import type { HttpService } from '../adapters/http-service.ts';
import type { CertRow } from './types.ts';
import type { Probe } from './probes.ts';

interface CertificateList {
  certificates?: { name?: string; pem?: string }[];
}

const DAY_MS = 86_400_000;

/**
 * Step-CA health and its current root (`/roots.pem`, the real API); when the configuration
 * names a listing of issued certificates, each PEM is parsed and its chain checked against
 * that root here, rather than trusting anyone's "valid" flag.
 */
export function stepcaProbe(ca: HttpService, certificatesPath: string | undefined, now: () => Date): Probe {
  // Parsing and verifying is the costly part of an idle poll; a certificate is checked once per root.
  const checked = new Map<string, { notAfter: Date; chainValid: boolean; subject: string }>();
  const check = (pem: string, rootPem: string, root: X509Certificate) => {
    const key = `${rootPem}\n${pem}`;
    let c = checked.get(key);
    if (!c) {
      const x = new X509Certificate(pem);
      c = { notAfter: new Date(x.validTo), chainValid: x.checkIssued(root) && x.verify(root.publicKey), subject: x.subject };
      if (checked.size > 500) checked.clear();
      checked.set(key, c);
    }
    return c;
  };
  let root: { pem: string; cert: X509Certificate } | undefined;
  return {
    id: 'stepca',
    async read(timeoutMs) {
      const health = await ca.getJson<{ status?: string }>('/health', timeoutMs);
      if (health.status !== 200 || health.body?.status !== 'ok') throw new Error(`Step-CA health: HTTP ${health.status}`);
      const rootPem = (await ca.getText('/roots.pem', timeoutMs)).body;
      if (root?.pem !== rootPem) root = { pem: rootPem, cert: new X509Certificate(rootPem) };
      const current = root;
      const listed = certificatesPath ? ((await ca.getJson<CertificateList>(certificatesPath, timeoutMs)).body?.certificates ?? []) : [];
      const certificates: CertRow[] = listed
        .filter((c) => c.pem)
        .map((c) => {
          const x = check(c.pem!, current.pem, current.cert);
          return { name: c.name ?? x.subject, notAfter: x.notAfter.toISOString(), daysToExpiry: Math.floor((x.notAfter.getTime() - now().getTime()) / DAY_MS), chainValid: x.chainValid };
        })
        .sort((a, b) => a.name.localeCompare(b.name));
      return { stepca: { certificates, latencyMs: health.latencyMs } };
    },
  };
}
