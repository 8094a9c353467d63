import { isoTime, type KubeObject } from '../kube/kube-object.ts';
import { resourceForKind } from '../kube/resources.ts';
import type { Kubelet } from './kubelet.ts';
import { VaultError, type VaultCore, type VaultToken } from './vault-core.ts';
import { DEPLOYMENT, STATEFULSET } from './workload-controller.ts';
import type { WorkloadObject } from './workload-objects.ts';
import type { Controller, World } from './world.ts';

export const VDS = resourceForKind('secrets.hashicorp.com/v1beta1', 'VaultDynamicSecret');
export const VSS = resourceForKind('secrets.hashicorp.com/v1beta1', 'VaultStaticSecret');
const SECRET = resourceForKind('v1', 'Secret');

interface SyncState {
  leaseId?: string;
  nextAt: number;
  failures: number;
  lastError?: string;
  lastGeneration?: number;
  lastRenewal?: number;
  annotations?: string;
}

type VsoObject = KubeObject & {
  spec: { vaultAuthRef?: string; mount: string; path: string; destination: { name: string }; renewalPercent?: number; refreshAfter?: string; rolloutRestartTargets?: { kind: string; name: string }[] };
};

const b64 = (text: string) => Buffer.from(text).toString('base64');

/**
 * Vault Secrets Operator: logs in with the kubernetes auth method, keeps dynamic database leases
 * renewed at renewalPercent of their TTL, re-issues credentials when a lease is gone, writes the
 * destination Secrets and rollout-restarts their consumers. On any Vault error it drops its
 * client (so the next attempt re-authenticates) and retries with exponential back-off; a VSO
 * restart also starts from a fresh login. That is how it "re-auths on its own" after an unseal.
 */
export class Vso implements Controller {
  readonly name = 'vso';
  private instance: string | undefined;
  private readonly clients = new Map<string, { token: VaultToken; id: string }>();
  private readonly states = new Map<string, SyncState>();

  constructor(
    private readonly world: World,
    private readonly vault: VaultCore,
    private readonly kubelet: Kubelet,
    private readonly controlPlaneUp: () => boolean,
  ) {}

  private roleOf(obj: VsoObject): string {
    return obj.spec.vaultAuthRef ?? obj.metadata.namespace ?? 'default';
  }

  syncState(namespace: string, name: string): SyncState | undefined {
    return this.states.get(`${namespace}/${name}`);
  }

  reconcile(): void {
    if (!this.controlPlaneUp()) return;
    const instance = this.kubelet.runningInstance('vault-secrets-operator', 'vault-secrets-operator-controller-manager');
    if (!instance) return;
    if (instance !== this.instance) {
      this.instance = instance;
      this.clients.clear();
      for (const s of this.states.values()) s.nextAt = this.world.now();
    }
    for (const obj of this.world.store.list<VsoObject>(VDS)) this.sync(obj, true);
    for (const obj of this.world.store.list<VsoObject>(VSS)) this.sync(obj, false);
  }

  private state(obj: VsoObject): SyncState {
    const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
    let s = this.states.get(key);
    if (!s) {
      s = { nextAt: this.world.now(), failures: 0 };
      this.states.set(key, s);
    }
    return s;
  }

  private client(role: string, namespace: string): { token: VaultToken; id: string } {
    const cached = this.clients.get(role);
    if (cached && this.vault.lookupToken(cached.token.id)) return cached;
    const spec = this.world.topology.vault.kubernetesRoles.find((r) => r.name === role);
    const token = this.vault.loginKubernetes(role, { namespace, name: spec?.serviceAccounts[0] ?? 'default' });
    const client = { token, id: this.world.prng.hex(16) };
    this.clients.set(role, client);
    return client;
  }

  private sync(obj: VsoObject, dynamic: boolean): void {
    const now = this.world.now();
    const s = this.state(obj);
    const generation = obj.metadata.generation ?? 1;
    const changed = s.lastGeneration !== undefined && s.lastGeneration !== generation;
    if (changed) {
      s.nextAt = now;
      s.leaseId = undefined;
    }
    // VSO reconciles on every change to the object: annotating it forces an immediate attempt.
    const annotations = JSON.stringify(obj.metadata.annotations ?? {});
    if (s.annotations !== undefined && s.annotations !== annotations) s.nextAt = now;
    s.annotations = annotations;
    if (now < s.nextAt) {
      this.world.wakeAt(s.nextAt);
      return;
    }
    const namespace = obj.metadata.namespace as string;
    try {
      this.vault.assertServing();
      const client = this.client(this.roleOf(obj), namespace);
      if (dynamic) this.syncDynamic(obj, s, client);
      else this.syncStatic(obj, s, client);
      s.failures = 0;
      s.lastError = undefined;
      s.lastGeneration = generation;
      s.lastRenewal = now;
    } catch (err) {
      if (!(err instanceof VaultError)) throw err;
      this.clients.delete(this.roleOf(obj));
      s.failures++;
      const t = this.world.topology.timings;
      const backoff = Math.min(t.vsoBackoffMax, t.vsoBackoffInitial * 1.5 ** (s.failures - 1));
      s.nextAt = now + backoff;
      s.lastError = vaultErrorText(err, obj);
      this.world.event(obj, 'Warning', dynamic ? 'SecretLeaseRenewalError' : 'VaultClientError', s.lastError, 'VaultSecretsOperator');
      this.world.wakeAt(s.nextAt);
    }
  }

  private syncDynamic(obj: VsoObject, s: SyncState, client: { token: VaultToken; id: string }): void {
    const now = this.world.now();
    const path = `${obj.spec.mount}/${obj.spec.path}`;
    if (!this.vault.allowed(client.token, path)) throw new VaultError(403, 'permission denied');
    let lease = undefined;
    if (s.leaseId) {
      try {
        lease = this.vault.renew(s.leaseId);
        this.world.event(obj, 'Normal', 'SecretLeaseRenewal', `Lease renewal duration was ${Math.round((lease.expiresAt - now) / 1000)}s`, 'VaultSecretsOperator');
      } catch (err) {
        if (!(err instanceof VaultError) || err.code !== 400) throw err;
      }
    }
    if (!lease) {
      lease = this.vault.issueCredentials(obj.spec.path.split('/').pop() as string);
      s.leaseId = lease.id;
      this.writeSecret(obj, { username: lease.username, password: lease.password, _raw: JSON.stringify({ username: lease.username, password: lease.password }) });
      this.world.event(obj, 'Normal', 'SecretSynced', 'Secret synced', 'VaultSecretsOperator');
      this.restartTargets(obj);
    }
    const duration = lease.expiresAt - now;
    s.nextAt = now + Math.max(1000, (duration * (obj.spec.renewalPercent ?? 67)) / 100);
    this.world.wakeAt(s.nextAt);
    this.world.store.update(VDS, obj.metadata.namespace, obj.metadata.name, (d) => {
      d.status = {
        lastGeneration: obj.metadata.generation ?? 1,
        lastRenewalTime: Math.floor(now / 1000),
        lastRuntimePodUID: '',
        secretLease: { id: lease.id, duration: Math.round(duration / 1000), renewable: true, requestID: this.world.prng.uid() },
        staticCredsMetaData: { lastVaultRotation: 0, rotationPeriod: 0, rotationSchedule: '', ttl: 0 },
        vaultClientMeta: { cacheKey: `kubernetes-${this.roleOf(obj)}`, id: client.id },
      };
    });
  }

  private syncStatic(obj: VsoObject, s: SyncState, client: { token: VaultToken; id: string }): void {
    const path = `${obj.spec.mount}/data/${obj.spec.path}`;
    if (!this.vault.allowed(client.token, path)) throw new VaultError(403, 'permission denied');
    const data = this.vault.readKv(obj.spec.mount, obj.spec.path);
    if (!data) throw new VaultError(404, `no secret at ${path}`);
    this.writeSecret(obj, { ...data, _raw: JSON.stringify({ data, metadata: { version: 1 } }) });
    const refresh = Number(/^(\d+)s$/.exec(obj.spec.refreshAfter ?? '60s')?.[1] ?? 60) * 1000;
    s.nextAt = this.world.now() + refresh;
    this.world.wakeAt(s.nextAt);
    this.world.store.update(VSS, obj.metadata.namespace, obj.metadata.name, (d) => {
      d.status = { lastGeneration: obj.metadata.generation ?? 1, secretMAC: b64(JSON.stringify(data)).slice(0, 44) };
    });
  }

  private writeSecret(obj: VsoObject, values: Record<string, string>): void {
    const { store } = this.world;
    const name = obj.spec.destination.name;
    const namespace = obj.metadata.namespace;
    const data = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, b64(v)]));
    if (!store.get(SECRET, namespace, name)) {
      store.create(SECRET, {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'Opaque',
        metadata: {
          name,
          namespace,
          labels: { 'app.kubernetes.io/component': 'secret-sync', 'app.kubernetes.io/managed-by': 'hashicorp-vso', 'app.kubernetes.io/name': 'vault-secrets-operator', 'secrets.hashicorp.com/vso-ownerRefUID': obj.metadata.uid as string },
          ownerReferences: [{ apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, uid: obj.metadata.uid as string }],
        },
        data,
      });
    } else {
      store.update(SECRET, namespace, name, (secret) => {
        secret.data = data;
      });
    }
  }

  private restartTargets(obj: VsoObject): void {
    if (this.world.bootstrapping) return;
    for (const target of obj.spec.rolloutRestartTargets ?? []) {
      const def = target.kind === 'StatefulSet' ? STATEFULSET : DEPLOYMENT;
      const updated = this.world.store.update<WorkloadObject>(def, obj.metadata.namespace, target.name, (w) => {
        w.spec.template.metadata.annotations = { ...w.spec.template.metadata.annotations, 'vso.secrets.hashicorp.com/restartedAt': isoTime(this.world.now()) };
      });
      if (updated) this.world.event(obj, 'Normal', 'RolloutRestartTriggered', `Rollout restart triggered for {${target.kind} ${target.name}}`, 'VaultSecretsOperator');
    }
  }
}

function vaultErrorText(err: VaultError, obj: VsoObject): string {
  const url = `http://vault.vault.svc.cluster.local:8200/v1/${obj.spec.mount}/${obj.spec.path}`;
  if (err.code === 0) return `failed to get Vault client: Put "${url}": dial tcp 10.43.120.17:8200: connect: connection refused`;
  return `Error making API request.\n\nURL: GET ${url}\nCode: ${err.code}. Errors:\n\n* ${err.message}`;
}
