import type { Postgres } from './postgres.ts';
import type { World } from './world.ts';

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
 */
export class VaultCore {
  sealed = false;
  running = true;
  readonly unsealKey: Buffer;
  readonly rootToken: string;
  readonly clusterId: string;
  private readonly tokens = new Map<string, VaultToken>();
  private readonly leases = new Map<string, Lease>();

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
    const spec = this.spec.kubernetesRoles.find((r) => r.name === role);
    if (!spec) throw new VaultError(400, `invalid role name "${role}"`);
    if (!spec.namespaces.includes(serviceAccount.namespace) || !spec.serviceAccounts.includes(serviceAccount.name)) {
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

  /** Crude ACL: root may do anything, other tokens may use the paths of their named policies. */
  allowed(token: VaultToken, path: string): boolean {
    if (token.policies.includes('root')) return true;
    return token.policies.some((name) => {
      const rules = this.spec.policies.find((p) => p.name === name)?.rules ?? '';
      return [...rules.matchAll(/path "([^"]+)"/g)].some(([, pattern]) => pathMatches(pattern as string, path));
    });
  }

  issueCredentials(roleName: string): Lease {
    this.assertServing();
    const role = this.spec.databaseRoles.find((r) => r.name === roleName);
    if (!role) throw new VaultError(400, `unknown role: ${roleName}`);
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
    this.postgres.createRole(username, lease.expiresAt);
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
    this.postgres.extendRole(lease.username, lease.expiresAt);
    return lease;
  }

  lease(leaseId: string): Lease | undefined {
    return this.leases.get(leaseId);
  }

  readKv(mount: string, path: string): Record<string, string> | undefined {
    return this.spec.kv.find((k) => k.mount === mount && k.path === path)?.data;
  }
}

function pathMatches(pattern: string, path: string): boolean {
  if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1));
  return pattern === path;
}
