import type { Kubelet } from './kubelet.ts';
import type { VaultCore } from './vault-core.ts';
import type { Controller, World } from './world.ts';

/**
 * Ties the Vault process to the vault StatefulSet's pod: no running container, no Vault API;
 * every new container starts sealed (Shamir seal, no auto-unseal), except the one that is
 * already running, unsealed, when the sim starts.
 */
export class VaultProcess implements Controller {
  readonly name = 'vault-process';
  private instance: string | undefined;

  constructor(
    private readonly world: World,
    private readonly vault: VaultCore,
    private readonly kubelet: Kubelet,
  ) {}

  reconcile(): void {
    const instance = this.kubelet.runningInstance('vault', 'vault');
    // The expiration manager revokes leases as they run out, only while Vault serves.
    if (this.vault.running && !this.vault.sealed) this.vault.database.expire();
    if (instance === this.instance) return;
    if (instance && !this.world.bootstrapping) this.vault.sealed = true;
    this.instance = instance;
    this.vault.running = instance !== undefined;
    this.world.touch();
  }
}
