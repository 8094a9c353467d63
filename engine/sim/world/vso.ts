import { createHash, createHmac } from 'node:crypto';
import { isoTime, type KubeObject } from '../kube/kube-object.ts';
import { resourceForKind } from '../kube/resources.ts';
import type { Kubelet } from './kubelet.ts';
import { VaultError, type VaultCore, type VaultToken } from './vault-core.ts';
import { DEPLOYMENT, STATEFULSET } from './workload-controller.ts';
import type { WorkloadObject } from './workload-objects.ts';
import type { Controller, World } from './world.ts';

export const VDS = resourceForKind('secrets.hashicorp.com/v1beta1', 'VaultDynamicSecret');
export const VSS = resourceForKind('secrets.hashicorp.com/v1beta1', 'VaultStaticSecret');
const VAULT_AUTH = resourceForKind('secrets.hashicorp.com/v1beta1', 'VaultAuth');
const SECRET = resourceForKind('v1', 'Secret');
const VAULT_URL = 'http://vault.vault.svc.cluster.local:8200/v1';

interface SyncState {
  /** The object this state is about: a re-created object starts afresh (no lease to renew). */
  uid: string;
  leaseId?: string;
  nextAt: number;
  failures: number;
  lastError?: string;
  lastGeneration?: number;
  lastRenewal?: number;
  annotations?: string;
  /** Vault's error for the last credentials, once pi2's PostgreSQL refused their statements. */
  refused?: string;
}

type VaultAuthObject = KubeObject & { spec?: { method?: string; mount?: string; kubernetes?: { role?: string; serviceAccount?: string } } };

/** Whom VSO logs in as for an object, and under which key it caches that client. */
interface Login {
  role: string;
  serviceAccount: string;
  mount: string;
  cacheKey: string;
}

/** Getting a Vault client failed (VaultAuth missing or invalid, login refused): VSO's VaultClientConfigError. */
class ClientConfigError extends Error {}

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
  /** The operator's HMAC key (upstream: the `vso-cc-storage-hmac-key` Secret), fixed per lab. */
  private readonly hmacKey: Buffer;

  constructor(
    private readonly world: World,
    private readonly vault: VaultCore,
    private readonly kubelet: Kubelet,
    private readonly controlPlaneUp: () => boolean,
  ) {
    this.hmacKey = createHash('sha256').update(`vso-cc-storage-hmac-key:${world.topology.cluster.name}`).digest();
  }

  /**
   * The VaultAuth named by vaultAuthRef (`default` without one) in the object's namespace, as VSO
   * resolves it. The topology's own objects predate their VaultAuths in older lab states, so for
   * them a missing one falls back to the Vault role of the same name.
   */
  private login(obj: VsoObject): Login | { error: string } {
    const namespace = obj.metadata.namespace as string;
    const ref = obj.spec.vaultAuthRef ?? 'default';
    const auth = this.world.store.get<VaultAuthObject>(VAULT_AUTH, namespace, ref);
    const login = (role: string, serviceAccount: string, mount: string) => ({ role, serviceAccount, mount, cacheKey: `${namespace}/${mount}/${role}/${serviceAccount}` });
    if (auth) {
      const problem = vaultAuthProblem(auth);
      if (problem) return { error: problem };
      const { mount = 'kubernetes', kubernetes } = auth.spec ?? {};
      return login(kubernetes?.role as string, kubernetes?.serviceAccount as string, mount);
    }
    if (this.declared(obj)) {
      const role = obj.spec.vaultAuthRef ?? namespace;
      const spec = this.vault.kubernetesRole(role);
      return login(role, spec?.serviceAccounts[0] ?? 'default', 'kubernetes');
    }
    return { error: `VaultAuth.secrets.hashicorp.com "${ref}" not found` };
  }

  /** VSO's VaultAuth controller: the spec is checked, not the login (that happens per secret). */
  private validate(auth: VaultAuthObject): void {
    const problem = vaultAuthProblem(auth);
    this.world.store.update(VAULT_AUTH, auth.metadata.namespace, auth.metadata.name, (a) => {
      a.status = { valid: problem === null, error: problem ?? '' };
    });
  }

  private declared(obj: VsoObject): boolean {
    const { vso } = this.world.topology;
    return [...vso.dynamicSecrets, ...vso.staticSecrets].some((d) => d.namespace === obj.metadata.namespace && d.name === obj.metadata.name);
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
    for (const auth of this.world.store.list<VaultAuthObject>(VAULT_AUTH)) this.validate(auth);
    const seen = new Set<string>();
    for (const obj of this.world.store.list<VsoObject>(VDS)) seen.add(this.sync(obj, true));
    for (const obj of this.world.store.list<VsoObject>(VSS)) seen.add(this.sync(obj, false));
    for (const key of this.states.keys()) if (!seen.has(key)) this.states.delete(key);
  }

  private state(obj: VsoObject): SyncState {
    const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
    let s = this.states.get(key);
    if (!s || s.uid !== obj.metadata.uid) {
      s = { uid: obj.metadata.uid as string, nextAt: this.world.now(), failures: 0 };
      this.states.set(key, s);
    }
    return s;
  }

  private client(login: Login, namespace: string): { token: VaultToken; id: string } {
    const cached = this.clients.get(login.cacheKey);
    if (cached && this.vault.lookupToken(cached.token.id)) return cached;
    let token: VaultToken;
    try {
      // The model has one kubernetes auth mount; Vault refuses a login anywhere else.
      if (login.mount !== 'kubernetes') throw new VaultError(403, 'permission denied');
      token = this.vault.loginKubernetes(login.role, { namespace, name: login.serviceAccount });
    } catch (err) {
      if (!(err instanceof VaultError)) throw err;
      throw new ClientConfigError(`Error making API request.\n\nURL: PUT ${VAULT_URL}/auth/${login.mount}/login\nCode: ${err.code}. Errors:\n\n* ${err.message}`);
    }
    const client = { token, id: this.world.prng.hex(16) };
    this.clients.set(login.cacheKey, client);
    return client;
  }

  /** One reconcile of `obj`; returns its state's key. */
  private sync(obj: VsoObject, dynamic: boolean): string {
    const now = this.world.now();
    const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
    const s = this.state(obj);
    // The server refused the statements behind the lease VSO holds: for VSO that request failed.
    const refused = s.leaseId ? this.vault.database.failure(s.leaseId) : undefined;
    if (refused) {
      s.leaseId = undefined;
      s.refused = refused;
      s.nextAt = now;
    }
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
      return key;
    }
    const namespace = obj.metadata.namespace as string;
    const login = this.login(obj);
    try {
      this.vault.assertServing();
      if ('error' in login) throw new ClientConfigError(login.error);
      if (s.refused) {
        const message = s.refused;
        s.refused = undefined;
        throw new VaultError(500, message);
      }
      const client = this.client(login, namespace);
      if (dynamic) this.syncDynamic(obj, s, client, login);
      else this.syncStatic(obj, s, client);
      s.failures = 0;
      s.lastError = undefined;
      s.lastGeneration = generation;
      s.lastRenewal = now;
    } catch (err) {
      if (!(err instanceof VaultError) && !(err instanceof ClientConfigError)) throw err;
      if (!('error' in login)) this.clients.delete(login.cacheKey);
      s.failures++;
      const t = this.world.topology.timings;
      const backoff = Math.min(t.vsoBackoffMax, t.vsoBackoffInitial * 1.5 ** (s.failures - 1));
      s.nextAt = now + backoff;
      if (err instanceof ClientConfigError) {
        s.lastError = `Failed to get Vault auth login: ${err.message}`;
        this.world.event(obj, 'Warning', 'VaultClientConfigError', s.lastError, 'VaultSecretsOperator');
      } else {
        s.lastError = vaultErrorText(err, obj);
        this.world.event(obj, 'Warning', dynamic ? 'SecretLeaseRenewalError' : 'VaultClientError', s.lastError, 'VaultSecretsOperator');
      }
      this.world.wakeAt(s.nextAt);
    }
    return key;
  }

  private syncDynamic(obj: VsoObject, s: SyncState, client: { token: VaultToken; id: string }, login: Login): void {
    const now = this.world.now();
    const path = `${obj.spec.mount}/${obj.spec.path}`;
    if (!this.vault.allowed(client.token, path)) throw new VaultError(403, 'permission denied');
    let lease = undefined;
    if (s.leaseId) {
      try {
        lease = this.vault.database.renew(s.leaseId).lease;
        this.world.event(obj, 'Normal', 'SecretLeaseRenewal', `Lease renewal duration was ${Math.round((lease.expiresAt - now) / 1000)}s`, 'VaultSecretsOperator');
      } catch (err) {
        if (!(err instanceof VaultError) || err.code !== 400) throw err;
      }
    }
    if (!lease) {
      lease = this.vault.database.issue(obj.spec.path.split('/').pop() as string, 'kubernetes').lease;
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
        vaultClientMeta: { cacheKey: `kubernetes-${login.role}`, id: client.id },
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
      d.status = { lastGeneration: obj.metadata.generation ?? 1, secretMAC: this.secretMac(data) };
    });
  }

  /**
   * VSO's `status.secretMAC`: base64 of an HMAC-SHA256 of the synced data under the operator's own
   * key, so a change is seen and nothing of the secret can be read back from the status.
   */
  private secretMac(data: Record<string, string>): string {
    return createHmac('sha256', this.hmacKey).update(JSON.stringify(data)).digest('base64');
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

function vaultAuthProblem(auth: VaultAuthObject): string | null {
  const { method, kubernetes } = auth.spec ?? {};
  if (method !== 'kubernetes') return `unsupported auth method "${method ?? ''}": lab-sim's Vault has the kubernetes auth method only`;
  if (!kubernetes?.role) return 'spec.kubernetes.role is required';
  if (!kubernetes.serviceAccount) return 'spec.kubernetes.serviceAccount is required';
  return null;
}

function vaultErrorText(err: VaultError, obj: VsoObject): string {
  const url = `${VAULT_URL}/${obj.spec.mount}/${obj.spec.path}`;
  if (err.code === 0) return `failed to get Vault client: Put "${url}": dial tcp 10.43.120.17:8200: connect: connection refused`;
  return `Error making API request.\n\nURL: GET ${url}\nCode: ${err.code}. Errors:\n\n* ${err.message}`;
}
