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
  return {
    id: 'stepca',
    async read(timeoutMs) {
      const health = await ca.getJson<{ status?: string }>('/health', timeoutMs);
      if (health.status !== 200 || health.body?.status !== 'ok') throw new Error(`Step-CA health: HTTP ${health.status}`);
      const root = new X509Certificate((await ca.getText('/roots.pem', timeoutMs)).body);
      const listed = certificatesPath ? ((await ca.getJson<CertificateList>(certificatesPath, timeoutMs)).body?.certificates ?? []) : [];
      const certificates: CertRow[] = listed
        .filter((c) => c.pem)
        .map((c) => {
          const x = new X509Certificate(c.pem!);
          const notAfter = new Date(x.validTo);
          return { name: c.name ?? x.subject, notAfter: notAfter.toISOString(), daysToExpiry: Math.floor((notAfter.getTime() - now().getTime()) / DAY_MS), chainValid: x.checkIssued(root) && x.verify(root.publicKey) };
        })
        .sort((a, b) => a.name.localeCompare(b.name));
      return { stepca: { certificates, latencyMs: health.latencyMs } };
    },
  };
}
