import type { HttpService } from '../adapters/http-service.ts';
import type { KubeAdapter } from '../adapters/kube.ts';
import type { TlsHandshake } from '../adapters/tls-handshake.ts';
import { describePermission, PROBE_READS } from '../access/permissions.ts';
import { isRefusal } from '../common/refusal.ts';
import { daysLeft } from './cert-facts.ts';
import { checkServedChain, type TlsTarget } from './served-chain.ts';
import { checkTlsSecret, type TlsSecretCert } from './tls-secret-check.ts';
import type { CertRow } from './types.ts';
import type { Probe } from './probes.ts';

export interface StepCaChecks {
  ca: HttpService;
  /** Handshakes go through the guard's connect-time policy. */
  tls: TlsHandshake;
  /** TLS services outside the cluster: the host to match, the `host:port` to dial. */
  endpoints: readonly { name: string; address: string }[];
  /** Where Ingress hosts are dialled (Traefik's websecure entrypoint); default `<host>:443`. */
  ingressAddress?: string;
  /** The cluster, for its Ingresses and kubernetes.io/tls Secrets. */
  kube?: () => Promise<KubeAdapter>;
  now: () => Date;
}

interface IngressList {
  items: { metadata?: { annotations?: Record<string, string> }; spec?: { tls?: { hosts?: string[] }[]; rules?: { host?: string }[] } }[];
}

interface SecretList {
  items: { metadata?: { namespace?: string; name?: string }; data?: Record<string, string> }[];
}

/**
 * The hosts an Ingress serves over TLS: its `tls[].hosts`, or its rules' hosts when a TLS entry
 * names none, or when Traefik's router.tls annotation turns TLS on without a `tls` section.
 */
function tlsHosts(list: IngressList): string[] {
  const hosts = new Set<string>();
  for (const ing of list.items) {
    const rules = (ing.spec?.rules ?? []).flatMap((r) => (r.host ? [r.host] : []));
    const tls = ing.spec?.tls ?? [];
    for (const t of tls) for (const h of t.hosts?.length ? t.hosts : rules) hosts.add(h.toLowerCase());
    if (!tls.length && ing.metadata?.annotations?.['traefik.ingress.kubernetes.io/router.tls'] === 'true') rules.forEach((h) => hosts.add(h.toLowerCase()));
  }
  return [...hosts];
}

/** tls.crt of each Secret, decoded; tls.key is dropped here, unread. */
function tlsSecrets(list: SecretList): TlsSecretCert[] {
  return list.items.map((s) => ({ namespace: s.metadata?.namespace ?? '', name: s.metadata?.name ?? '', crtPem: Buffer.from(s.data?.['tls.crt'] ?? '', 'base64').toString('utf8') }));
}

async function clusterCertificates(kube: KubeAdapter): Promise<{ hosts: string[]; secrets: TlsSecretCert[] }> {
  const [ingresses, secrets] = await Promise.all([
    kube.listJson<never>('/apis/networking.k8s.io/v1/ingresses', {}) as unknown as Promise<IngressList>,
    kube.listJson<never>('/api/v1/secrets', { fieldSelector: 'type=kubernetes.io/tls' }) as unknown as Promise<SecretList>,
  ]);
  return { hosts: tlsHosts(ingresses), secrets: tlsSecrets(secrets) };
}

const sourceOrder = { endpoint: 0, ingress: 1, secret: 2 } as const;

/** How long a valid served chain is taken as still served, unless the root or the tls Secrets change. */
const RECHECK_MS = 60_000;

/** A kept row, its days left counted again from now. */
function withDaysLeft(row: CertRow, now: Date): CertRow {
  return row.notAfter ? { ...row, daysToExpiry: daysLeft(new Date(row.notAfter), now) } : row;
}

/**
 * Step-CA's health and current root (`/health`, `/roots.pem`: the real API), and every sandbox
 * certificate judged against that root by lab-tui itself: the chains served by the TLS endpoints
 * and by Traefik for each Ingress host, and the kubernetes.io/tls Secrets in the cluster.
 */
export function stepcaProbe(deps: StepCaChecks): Probe {
  // A handshake per service every poll is most of an idle cockpit's CPU, and served chains change
  // only with the root or a re-issue (the tls Secrets): a valid answer is kept until either
  // changes, or for RECHECK_MS at most (a service outside the cluster re-issued on its own).
  const served = new Map<string, { row: CertRow; at: number }>();
  const checkCached = async (t: TlsTarget, rootPem: string, secretsKey: string, timeoutMs: number, now: Date): Promise<CertRow> => {
    const key = [t.source, t.name, t.address, rootPem, secretsKey].join('\n');
    const kept = served.get(key);
    if (kept && Date.now() - kept.at < RECHECK_MS) return withDaysLeft(kept.row, now);
    const row = await checkServedChain(deps.tls, t, rootPem, timeoutMs, now);
    if (served.size > 200) served.clear();
    if (row.chainValid) served.set(key, { row, at: Date.now() });
    else served.delete(key);
    return row;
  };
  return {
    id: 'stepca',
    async read(timeoutMs) {
      const health = await deps.ca.getJson<{ status?: string }>('/health', timeoutMs);
      if (health.status !== 200 || health.body?.status !== 'ok') throw new Error(`Step-CA health: HTTP ${health.status}`);
      const rootPem = (await deps.ca.getText('/roots.pem', timeoutMs)).body;
      const now = deps.now();
      const targets: TlsTarget[] = deps.endpoints.map((e) => ({ source: 'endpoint', ...e }));
      const rows: CertRow[] = [];
      let secretsKey = '';
      if (deps.kube) {
        try {
          const cluster = await clusterCertificates(await deps.kube());
          secretsKey = cluster.secrets.map((c) => `${c.namespace}/${c.name}\n${c.crtPem}`).join('\n');
          for (const host of cluster.hosts) targets.push({ source: 'ingress', name: host, address: deps.ingressAddress ?? `${host}:443` });
          rows.push(...cluster.secrets.map((s) => checkTlsSecret(s, rootPem, now)));
        } catch (e) {
          if (isRefusal(e)) throw e;
          // A 403 is a permission lab-tui's identity lacks: named as doctor names it, not the API server's body.
          const why = (e as { code?: unknown }).code === 403 ? `forbidden (doctor: needs probes: ${PROBE_READS.map(describePermission).join(', ')})` : (e as Error).message;
          rows.push({ name: 'Ingresses and tls Secrets', source: 'ingress', chainValid: false, error: `not read from the cluster: ${why}` });
        }
      }
      rows.push(...(await Promise.all(targets.map((t) => checkCached(t, rootPem, secretsKey, timeoutMs, now)))));
      rows.sort((a, b) => sourceOrder[a.source] - sourceOrder[b.source] || a.name.localeCompare(b.name));
      return { stepca: { certificates: rows, latencyMs: health.latencyMs } };
    },
  };
}
