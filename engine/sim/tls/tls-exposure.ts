import { createPrng } from '../prng.ts';
import type { Lab } from '../world/lab.ts';
import type { Controller } from '../world/world.ts';
import { endpointCertificate, traefikCertificates } from './served-certificates.ts';
import { TlsListener } from './tls-listener.ts';

/** What lab-sim serves TLS on: Traefik's websecure entrypoint, and each endpoint outside the cluster by name. */
export interface TlsListeners {
  traefik: TlsListener;
  endpoints: Map<string, { host: string; listener: TlsListener; node: string }>;
}

export function createTlsListeners(lab: Lab, seed: number): TlsListeners {
  const { world, stepca } = lab;
  // Traefik's default certificate key comes from a stream of its own: the world's ids must not shift.
  const traefik = new TlsListener('traefik', traefikCertificates(world.store, createPrng(seed ^ 0x7466), world.now()));
  const endpoints = new Map<string, { host: string; listener: TlsListener; node: string }>();
  for (const c of world.topology.stepca.certificates) {
    if (c.endpoint) endpoints.set(c.name, { host: c.commonName, node: c.endpoint, listener: new TlsListener(c.name, endpointCertificate(stepca, c.name)) });
  }
  return { traefik, endpoints };
}

export function allTlsListeners(l: TlsListeners): TlsListener[] {
  return [l.traefik, ...[...l.endpoints.values()].map((e) => e.listener)];
}

/**
 * Opens Traefik's port while its pod runs (k3s' service load balancer forwards to it), and an
 * endpoint's port while its node is up.
 */
export class TlsExposure implements Controller {
  readonly name = 'tls-exposure';

  constructor(
    private readonly lab: Lab,
    private readonly listeners: TlsListeners,
  ) {}

  reconcile(): void {
    void this.listeners.traefik.setUp(this.lab.kubelet.runningInstance('traefik', 'traefik') !== undefined);
    for (const e of this.listeners.endpoints.values()) void e.listener.setUp(this.lab.power.isBooted(e.node));
  }
}
