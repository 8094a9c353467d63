import type { VaultSpec } from '../topology/topology-types.ts';
import { capabilitiesOn, parsePolicy, type Capability } from '../vault/vault-acl.ts';
import type { Postgres } from './postgres.ts';
import type { World } from './world.ts';

export type KubernetesRole = VaultSpec['kubernetesRoles'][number];
export type DatabaseRole = VaultSpec['databaseRoles'][number];
/** A role's fields as Vault returns them on read, kept as written (statements, deprecated names…). */
export type WrittenFields = Record<string, unknown>;

export interface VaultToken {
  id: string;
  accessor: string;
  policies: string[];
  expiresAt: number;
  meta: Record<string, string>;
}

export interface Lease {
  id: string;
  role: string;
  username: string;
  password: string;
  issuedAt: number;
  expiresAt: number;
  maxExpiresAt: number;
}

export class VaultError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Vault's storage and seal state: one Shamir share with threshold 1 (as in the lab), KV v2,
 * policies, kubernetes auth roles, database roles backed by the PostgreSQL model, tokens and
 * leases. Whether the Vault *process* runs is decided by the vault pod (see vault-process.ts).
 *
 * Policies and roles start from lab.yaml and are written at runtime through the HTTP API. Writes
 * go to the `spec` arrays themselves, because VSO and the pod checks read those at call time.
 */
export class VaultCore {
  sealed = false;
  running = true;
  readonly unsealKey: Buffer;
  readonly rootToken: string;
  readonly clusterId: string;
  private readonly tokens = new Map<string, VaultToken>();
  private readonly leases = new Map<string, Lease>();
  private readonly written = new Map<string, WrittenFields>();

  constructor(
    private readonly world: World,
    private readonly postgres: Postgres,
  ) {
    this.unsealKey = world.prng.bytes(32);
    this.rootToken = `hvs.${world.prng.bytes(18).toString('base64url')}`;
    this.clusterId = world.prng.uid();
    this.tokens.set(this.rootToken, { id: this.rootToken, accessor: world.prng.hex(24), policies: ['root'], expiresAt: Infinity, meta: {} });
  }

  get spec() {
    return this.world.topology.vault;
  }

  /** Throws the error a client would get from the Vault API right now, if any. */
  assertServing(): void {
    if (!this.running) throw new VaultError(0, 'connection refused');
    if (this.sealed) throw new VaultError(503, 'Vault is sealed');
  }

  seal(): void {
    this.sealed = true;
    this.world.touch();
  }

  /** Returns true when the key is the unseal key; with threshold 1 that unseals at once. */
  tryUnseal(key: Buffer): boolean {
    if (!key.equals(this.unsealKey)) return false;
    this.sealed = false;
    this.world.touch();
    return true;
  }

  lookupToken(id: string | undefined): VaultToken | undefined {
    if (!id) return undefined;
    const token = this.tokens.get(id);
    if (!token || this.world.now() >= token.expiresAt) return undefined;
    return token;
  }

  loginKubernetes(role: string, serviceAccount: { namespace: string; name: string }): VaultToken {
    this.assertServing();
    const spec = this.kubernetesRole(role.toLowerCase());
    if (!spec) throw new VaultError(400, `invalid role name "${role}"`);
    const bound = (list: string[], value: string) => list.includes('*') || list.includes(value);
    if (!bound(spec.namespaces, serviceAccount.namespace) || !bound(spec.serviceAccounts, serviceAccount.name)) {
      throw new VaultError(403, 'permission denied');
    }
    const token: VaultToken = {
      id: `hvs.${this.world.prng.bytes(18).toString('base64url')}`,
      accessor: this.world.prng.hex(24),
      policies: ['default', ...spec.policies],
      expiresAt: this.world.now() + spec.ttl,
      meta: { role, service_account_name: serviceAccount.name, service_account_namespace: serviceAccount.namespace },
    };
    this.tokens.set(token.id, token);
    return token;
  }

  /**
   * Vault's ACL over the token's policies as they are now (a policy rewrite applies to tokens
   * already issued). Root may do anything. LIST paths carry a trailing slash, as in Vault.
   */
  allowed(token: VaultToken, path: string, capability: Capability = 'read'): boolean {
    if (token.policies.includes('root')) return true;
    const rules = token.policies.flatMap((name) => {
      const text = this.policy(name);
      return text ? parsePolicy(text) : [];
    });
    return capabilitiesOn(rules, path).has(capability);
  }

  /** A policy's HCL; '' for the built-in root and default ones, undefined when there is none. */
  policy(name: string): string | undefined {
    if (name === 'root' || name === 'default') return '';
    return this.spec.policies.find((p) => p.name === name)?.rules;
  }

  /** As Vault lists them: the stored policies (default among them) in key order, then root. */
  policyNames(): string[] {
    return [...['default', ...this.spec.policies.map((p) => p.name)].sort(), 'root'];
  }

  /** Stores a policy the caller has parsed. Names are case-insensitive, as in Vault. */
  putPolicy(name: string, rules: string): void {
    const existing = this.spec.policies.find((p) => p.name === name);
    if (existing) existing.rules = rules;
    else this.spec.policies.push({ name, rules });
  }

  deletePolicy(name: string): void {
    removeNamed(this.spec.policies, name);
  }

  kubernetesRole(name: string): KubernetesRole | undefined {
    return this.spec.kubernetesRoles.find((r) => r.name === name);
  }

  putKubernetesRole(role: KubernetesRole, fields: WrittenFields): void {
    removeNamed(this.spec.kubernetesRoles, role.name);
    this.spec.kubernetesRoles.push(role);
    this.written.set(`kubernetes/${role.name}`, fields);
  }

  deleteKubernetesRole(name: string): void {
    removeNamed(this.spec.kubernetesRoles, name);
    this.written.delete(`kubernetes/${name}`);
  }

  databaseRole(name: string): DatabaseRole | undefined {
    return this.spec.databaseRoles.find((r) => r.name === name);
  }

  putDatabaseRole(role: DatabaseRole, fields: WrittenFields): void {
    removeNamed(this.spec.databaseRoles, role.name);
    this.spec.databaseRoles.push(role);
    this.written.set(`database/${role.name}`, fields);
  }

  deleteDatabaseRole(name: string): void {
    removeNamed(this.spec.databaseRoles, name);
    this.written.delete(`database/${name}`);
  }

  /** What a runtime write stored beyond the spec; undefined for roles from lab.yaml. */
  writtenFields(kind: 'kubernetes' | 'database', name: string): WrittenFields | undefined {
    return this.written.get(`${kind}/${name}`);
  }

  issueCredentials(roleName: string): Lease {
    this.assertServing();
    const role = this.spec.databaseRoles.find((r) => r.name === roleName);
    if (!role) throw new VaultError(400, `unknown role: ${roleName}`);
    // Runtime roles are checked as Vault checks them: at issue time, not when written.
    const written = this.writtenFields('database', roleName);
    if (written && written.db_name !== DB_CONNECTION) throw new VaultError(500, `1 error occurred:\n\t* failed to find entry for connection with name: "${String(written.db_name)}"`);
    if (written && !(written.creation_statements as string[]).length) throw new VaultError(500, '1 error occurred:\n\t* empty creation statements');
    if (!this.postgres.isUp()) {
      throw new VaultError(500, `1 error occurred:\n\t* failed to verify connection: dial tcp ${this.postgres.address}: connect: connection refused`);
    }
    const now = this.world.now();
    const username = `v-kubernet-${roleName}-${this.world.prng.hex(20)}-${Math.floor(now / 1000)}`;
    const lease: Lease = {
      id: `database/creds/${roleName}/${this.world.prng.bytes(18).toString('base64url')}`,
      role: roleName,
      username,
      password: this.world.prng.bytes(15).toString('base64url'),
      issuedAt: now,
      expiresAt: now + role.defaultTtl,
      maxExpiresAt: now + role.maxTtl,
    };
    this.leases.set(lease.id, lease);
    this.postgres.roles.create(username, { login: true, password: lease.password, validUntil: lease.expiresAt });
    return lease;
  }

  renew(leaseId: string): Lease {
    this.assertServing();
    const lease = this.leases.get(leaseId);
    if (!lease || this.world.now() >= lease.expiresAt) {
      throw new VaultError(400, 'lease not found or lease is not renewable');
    }
    const role = this.spec.databaseRoles.find((r) => r.name === lease.role);
    lease.expiresAt = Math.min(this.world.now() + (role?.defaultTtl ?? 0), lease.maxExpiresAt);
    this.postgres.roles.alter(lease.username, { validUntil: lease.expiresAt });
    return lease;
  }

  /**
   * Revokes a lease as the PostgreSQL plugin's default revocation does: its role is dropped
   * (unless it owns a database, which the default statements cannot handle either). Unknown
   * ids are a no-op, as in Vault.
   */
  revoke(leaseId: string): void {
    this.assertServing();
    const lease = this.leases.get(leaseId);
    if (!lease) return;
    this.leases.delete(leaseId);
    if (!this.postgres.ownedBy(lease.username).length) this.postgres.roles.drop(lease.username);
  }

  /** sys/leases/revoke-prefix: the lease named `prefix` or every lease under `prefix/`. */
  revokePrefix(prefix: string): void {
    const base = prefix.replace(/\/+$/, '');
    for (const id of [...this.leases.keys()]) if (id === base || id.startsWith(`${base}/`)) this.revoke(id);
  }

  lease(leaseId: string): Lease | undefined {
    return this.leases.get(leaseId);
  }

  readKv(mount: string, path: string): Record<string, string> | undefined {
    return this.spec.kv.find((k) => k.mount === mount && k.path === path)?.data;
  }
}

/** The lab's one database secrets engine connection (database/config/postgres). */
export const DB_CONNECTION = 'postgres';

function removeNamed<T extends { name: string }>(list: T[], name: string): void {
  const at = list.findIndex((item) => item.name === name);
  if (at >= 0) list.splice(at, 1);
}
