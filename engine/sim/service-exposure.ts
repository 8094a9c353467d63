import type { ServiceListener } from './net/service-listener.ts';
import type { Lab } from './world/lab.ts';
import type { Controller } from './world/world.ts';

export interface ServiceListeners {
  kube: ServiceListener;
  vault: ServiceListener;
  gitea: ServiceListener;
  stepca: ServiceListener;
}

/**
 * Opens or closes each service's port to match the lab: the apiserver lives on the k3s server
 * node, Vault and Step-CA in their pods, Gitea in docker-compose on pi2. A closed port refuses
 * connections and cuts open watches, as a machine losing power does.
 */
export class ServiceExposure implements Controller {
  readonly name = 'service-exposure';

  constructor(
    private readonly lab: Lab,
    private readonly listeners: ServiceListeners,
  ) {}

  desired(): Record<keyof ServiceListeners, boolean> {
    return {
      kube: this.lab.power.controlPlaneUp(),
      vault: this.lab.vault.running,
      gitea: this.lab.gitea.isUp(),
      stepca: this.lab.stepca.isUp(),
    };
  }

  reconcile(): void {
    const desired = this.desired();
    for (const key of Object.keys(desired) as (keyof ServiceListeners)[]) void this.listeners[key].setUp(desired[key]);
  }
}
