import type { VaultSpec } from '../topology/topology-types.ts';
import { capabilitiesOn, parsePolicy, type Capability } from '../vault/vault-acl.ts';
import { DatabaseSecrets, type Lease } from './database-secrets.ts';
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
  issuedAt: number;
  expiresAt: number;
  meta: Record<string, string>;
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
 * policies, kubernetes auth roles, database roles (their credentials are real roles on pi2's
 * PostgreSQL, see database-secrets.ts), tokens and leases. Whether the Vault *process* runs is decided by the vault pod (see vault-process.ts).
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
  private readonly written = new Map<string, WrittenFields>();
  /** The `database/` mount: its connection and the dynamic credentials' leases. */
  readonly database: DatabaseSecrets;

  constructor(
    private readonly world: World,
    postgres: Postgres,
  ) {
    this.database = new DatabaseSecrets(world, this, postgres);
    this.unsealKey = world.prng.bytes(32);
    this.rootToken = `hvs.${world.prng.bytes(18).toString('base64url')}`;
    this.clusterId = world.prng.uid();
    this.tokens.set(this.rootToken, { id: this.rootToken, accessor: world.prng.hex(24), policies: ['root'], issuedAt: world.now(), expiresAt: Infinity, meta: {} });
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
      issuedAt: this.world.now(),
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

  /**
   * A database role's fields as Vault returns them: what was written at runtime, or for a
   * role from lab.yaml the lab's statements. Those revoke explicitly: the plugin's default
   * revocation only revokes CONNECT on the connection's own database, so a role granted ALL on
   * its application's database could never be dropped.
   */
  databaseRoleFields(role: DatabaseRole): WrittenFields {
    const written = this.writtenFields('database', role.name);
    if (written) return written;
    return {
      creation_statements: [`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'; GRANT ALL PRIVILEGES ON DATABASE ${role.database} TO "{{name}}";`],
      credential_type: 'password',
      db_name: this.spec.databaseConnection.name,
      default_ttl: role.defaultTtl / 1000,
      max_ttl: role.maxTtl / 1000,
      renew_statements: [],
      revocation_statements: [`REVOKE ALL PRIVILEGES ON DATABASE ${role.database} FROM "{{name}}"; DROP ROLE IF EXISTS "{{name}}";`],
      rollback_statements: [],
    };
  }

  lease(leaseId: string): Lease | undefined {
    return this.database.lease(leaseId);
  }

  readKv(mount: string, path: string): Record<string, string> | undefined {
    return this.spec.kv.find((k) => k.mount === mount && k.path === path)?.data;
  }
}

function removeNamed<T extends { name: string }>(list: T[], name: string): void {
  const at = list.findIndex((item) => item.name === name);
  if (at >= 0) list.splice(at, 1);
}
