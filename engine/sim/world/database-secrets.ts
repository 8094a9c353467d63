import type { PgTask, Postgres } from './postgres.ts';
import type { VaultCore, WrittenFields } from './vault-core.ts';
import { VaultError } from './vault-core.ts';
import { connectionDatabase, defaultRevocation, expiration, inTransaction, pluginError, render, roleAllowed, username, type DatabaseConnection } from './vault-database.ts';
import type { World } from './world.ts';

export interface Lease {
  id: string;
  role: string;
  username: string;
  password: string;
  /** The database the role grants on: where the workload logs in. */
  database: string;
  connection: string;
  issuedAt: number;
  expiresAt: number;
  maxExpiresAt: number;
  /** Set when Vault's expiration manager could not revoke it: it is not tried again. */
  irrevocable?: string;
}

/** Resolves once the server has run a lease's statements: the error a client gets, if any. */
export type Outcome = Promise<VaultError | undefined>;

/** Vault adds 5 s to VALID UNTIL so the role never expires before its lease. */
const VALID_UNTIL_BUFFER_MS = 5000;

const DEFAULT_RENEW = [`ALTER ROLE "{{name}}" VALID UNTIL '{{expiration}}';`];
const wrapped = (message: string) => `1 error occurred:\n\t* ${message}`;

/**
 * The `database/` mount: connections, and dynamic credentials whose statements run on pi2's
 * real PostgreSQL (queued for the sync step; callers that answer a client await the outcome).
 * Leases are revoked by the expiration manager when they run out, while Vault is unsealed.
 */
export class DatabaseSecrets {
  private readonly leases = new Map<string, Lease>();
  private readonly connections = new Map<string, DatabaseConnection>();
  private readonly failures = new Map<string, string>();

  constructor(
    private readonly world: World,
    private readonly vault: VaultCore,
    private readonly postgres: Postgres,
  ) {
    const c = world.topology.vault.databaseConnection;
    this.connections.set(c.name, {
      name: c.name,
      pluginName: 'postgresql-database-plugin',
      pluginVersion: '',
      connectionUrl: `postgresql://{{username}}:{{password}}@${postgres.address}/${c.database}`,
      username: 'postgres',
      allowedRoles: c.allowedRoles,
      verifyConnection: true,
      passwordPolicy: '',
      rootRotationStatements: [],
    });
  }

  connection(name: string): DatabaseConnection | undefined {
    return this.connections.get(name);
  }

  connectionNames(): string[] {
    return [...this.connections.keys()].sort();
  }

  putConnection(connection: DatabaseConnection): void {
    this.connections.set(connection.name, connection);
  }

  deleteConnection(name: string): void {
    this.connections.delete(name);
  }

  lease(id: string): Lease | undefined {
    return this.leases.get(id);
  }

  /** Why the server refused a lease's statements, for whoever held it (VSO's next attempt). */
  failure(id: string): string | undefined {
    return this.failures.get(id);
  }

  /** database/creds/:role — checks in Vault's order, then CREATE ROLE … on the server. */
  issue(roleName: string, displayName: string): { lease: Lease; created: Outcome } {
    this.vault.assertServing();
    const role = this.vault.databaseRole(roleName);
    if (!role) throw new VaultError(400, `unknown role: ${roleName}`);
    const fields = this.vault.databaseRoleFields(role);
    const connection = this.connections.get(String(fields.db_name));
    if (!connection) throw new VaultError(500, wrapped(`failed to find entry for connection with name: "${String(fields.db_name)}"`));
    if (!roleAllowed(connection, roleName)) throw new VaultError(500, wrapped(`"${roleName}" is not an allowed role`));
    const creation = statements(fields, 'creation_statements');
    if (!creation.length) throw new VaultError(500, wrapped('empty creation statements'));
    if (!this.postgres.isUp()) throw new VaultError(500, wrapped(`failed to verify connection: dial tcp ${this.postgres.address}: connect: connection refused`));
    const now = this.world.now();
    const name = username(displayName, roleName, this.world.prng.hex(20), now);
    const lease: Lease = {
      id: `database/creds/${roleName}/${this.world.prng.bytes(18).toString('base64url')}`,
      role: roleName,
      username: name,
      password: this.world.prng.bytes(15).toString('base64url'),
      database: role.database || connectionDatabase(connection),
      connection: connection.name,
      issuedAt: now,
      expiresAt: now + role.defaultTtl,
      maxExpiresAt: now + role.maxTtl,
    };
    this.leases.set(lease.id, lease);
    const validUntil = lease.expiresAt + VALID_UNTIL_BUFFER_MS;
    this.postgres.expectLogin({ username: name, password: lease.password }, lease.database, validUntil);
    const sql = render(creation, { name, username: name, password: lease.password, expiration: this.expiration(validUntil) });
    return { lease, created: this.created(lease, inTransaction(connectionDatabase(connection), sql)) };
  }

  /** sys/leases/renew: a new expiry within max_ttl, and VALID UNTIL moved with it. */
  renew(id: string): { lease: Lease; renewed: Outcome } {
    this.vault.assertServing();
    const lease = this.leases.get(id);
    const now = this.world.now();
    if (!lease || now >= lease.expiresAt) throw new VaultError(400, 'lease not found or lease is not renewable');
    const role = this.vault.databaseRole(lease.role);
    const before = lease.expiresAt;
    lease.expiresAt = Math.min(now + (role?.defaultTtl ?? 0), lease.maxExpiresAt);
    const validUntil = lease.expiresAt + VALID_UNTIL_BUFFER_MS;
    this.postgres.extendLogin(lease.username, validUntil);
    const renewal = role ? statements(this.vault.databaseRoleFields(role), 'renew_statements') : [];
    const sql = render(renewal.length ? renewal : DEFAULT_RENEW, { name: lease.username, username: lease.username, expiration: this.expiration(validUntil) });
    // A renewal the server refused leaves the lease as it was; its holder hears the error.
    const renewed = this.postgres.run(inTransaction(this.database(lease), sql)).then(
      () => undefined,
      (err: unknown) => {
        const error = new VaultError(500, wrapped(pluginError(err)));
        lease.expiresAt = before;
        this.postgres.extendLogin(lease.username, before + VALID_UNTIL_BUFFER_MS);
        this.failures.set(lease.id, error.message);
        return error;
      },
    );
    return { lease, renewed };
  }

  /**
   * Revokes a lease with the role's revocation statements, or the plugin's default revocation.
   * If the server refuses, the lease stays (Vault keeps a lease it could not revoke). Unknown
   * ids are a no-op, as in Vault.
   */
  revoke(id: string): Outcome {
    this.vault.assertServing();
    const lease = this.leases.get(id);
    if (!lease) return Promise.resolve(undefined);
    this.leases.delete(id);
    this.postgres.forgetLogin(lease.username);
    const role = this.vault.databaseRole(lease.role);
    const revocation = role ? statements(this.vault.databaseRoleFields(role), 'revocation_statements') : [];
    const database = this.database(lease);
    const task = revocation.length ? inTransaction(database, render(revocation, { name: lease.username, username: lease.username })) : defaultRevocation(database, lease.username);
    return this.postgres.run(task).then(
      () => undefined,
      (err: unknown) => {
        this.leases.set(id, lease);
        this.postgres.expectLogin(lease, lease.database, lease.expiresAt + VALID_UNTIL_BUFFER_MS);
        return new VaultError(500, wrapped(`failed to revoke entry: resp: (*logical.Response)(nil) err: ${pluginError(err)}`));
      },
    );
  }

  /** sys/leases/revoke-prefix: the lease named `prefix` or every lease under `prefix/`, in order. */
  async revokePrefix(prefix: string): Outcome {
    const base = prefix.replace(/\/+$/, '');
    for (const id of [...this.leases.keys()]) {
      if (id !== base && !id.startsWith(`${base}/`)) continue;
      const failed = await this.revoke(id);
      if (failed) return failed;
    }
    return undefined;
  }

  /** The expiration manager: leases past their expiry are revoked (only while Vault serves). */
  expire(): void {
    const now = this.world.now();
    for (const lease of [...this.leases.values()]) {
      if (lease.irrevocable) continue;
      if (now < lease.expiresAt) {
        this.world.wakeAt(lease.expiresAt);
        continue;
      }
      void this.revoke(lease.id).then((failed) => {
        if (failed) lease.irrevocable = failed.message;
      });
    }
  }

  private database(lease: Lease): string {
    const connection = this.connections.get(lease.connection);
    return connection ? connectionDatabase(connection) : 'postgres';
  }

  /**
   * Vault's `{{expiration}}` is its own clock's; the server compares it with the wall clock.
   * lab-sim's clock may be manual or elsewhere in time, so the server gets the wall-clock
   * instant as far ahead of its now as `simMs` is ahead of sim now.
   */
  private expiration(simMs: number): string {
    return expiration(Date.now() + (simMs - this.world.now()));
  }

  /** A lease whose creation statements the server refused is dropped: Vault never issued it. */
  private created(lease: Lease, task: PgTask<void>): Outcome {
    return this.postgres.run(task).then(
      () => undefined,
      (err: unknown) => {
        const error = new VaultError(500, wrapped(`failed to execute query: ${pluginError(err)}`));
        this.leases.delete(lease.id);
        this.failures.set(lease.id, error.message);
        this.postgres.forgetLogin(lease.username);
        return error;
      },
    );
  }
}

function statements(fields: WrittenFields, key: string): string[] {
  return ((fields[key] as string[] | undefined) ?? []).filter((s) => s.trim() !== '');
}

