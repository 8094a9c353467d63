import { randomBytes } from 'node:crypto';
import { scramVerifier, type ScramVerifier } from '../pg/scram.ts';

/** pg_authid's row for a role, as far as lab-sim models it. */
export interface PgRole {
  name: string;
  superuser: boolean;
  login: boolean;
  createdb: boolean;
  createrole: boolean;
  /** rolpassword as SCRAM keys; undefined when the role has no password (it cannot log in with one). */
  verifier: ScramVerifier | undefined;
  /** VALID UNTIL in epoch ms; Infinity when unset. */
  validUntil: number;
}

export type PgRoleAttributes = Partial<Omit<PgRole, 'name' | 'verifier'>> & { password?: string | null };

/** The roles PostgreSQL 16's initdb creates besides the bootstrap superuser, in pg_authid order. */
const PREDEFINED_ROLES = [
  'pg_database_owner',
  'pg_read_all_data',
  'pg_write_all_data',
  'pg_monitor',
  'pg_read_all_settings',
  'pg_read_all_stats',
  'pg_stat_scan_tables',
  'pg_read_server_files',
  'pg_write_server_files',
  'pg_execute_server_program',
  'pg_signal_backend',
  'pg_checkpoint',
  'pg_use_reserved_connections',
  'pg_create_subscription',
];

/**
 * The cluster's roles: the bootstrap superuser, the predefined pg_* roles, the databases' owners,
 * roles made with CREATE ROLE and the dynamic ones Vault creates (VALID UNTIL = lease expiry).
 */
export class PgRoles {
  private readonly roles = new Map<string, PgRole>();

  constructor(readonly bootstrapSuperuser: string) {
    this.create(bootstrapSuperuser, { superuser: true, login: true, createdb: true, createrole: true });
    for (const name of PREDEFINED_ROLES) this.create(name, {});
  }

  get(name: string): PgRole | undefined {
    return this.roles.get(name);
  }

  /** Catalog order: the bootstrap superuser and predefined roles, then by creation. */
  names(): string[] {
    return [...this.roles.keys()];
  }

  create(name: string, attributes: PgRoleAttributes): PgRole {
    const role: PgRole = { name, superuser: false, login: false, createdb: false, createrole: false, verifier: undefined, validUntil: Infinity };
    this.roles.set(name, role);
    this.alter(name, attributes);
    return role;
  }

  alter(name: string, attributes: PgRoleAttributes): void {
    const role = this.roles.get(name);
    if (!role) return;
    const { password, ...flags } = attributes;
    Object.assign(role, Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)));
    if (password !== undefined) role.verifier = password === null ? undefined : storedVerifier(password);
  }

  /** Installs keys computed elsewhere (the superuser's, from its seeded salt). */
  setVerifier(name: string, verifier: ScramVerifier): void {
    const role = this.roles.get(name);
    if (role) role.verifier = verifier;
  }

  drop(name: string): void {
    this.roles.delete(name);
  }
}

/**
 * PASSWORD '…' as PostgreSQL stores it with password_encryption = scram-sha-256: a value already
 * in `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` form is kept as is, anything
 * else is hashed with a fresh salt (salts are never visible through lab-sim's SQL, so they need
 * not come from the seeded stream).
 */
function storedVerifier(password: string): ScramVerifier {
  const stored = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/.exec(password);
  if (stored) {
    const [, iterations, salt, storedKey, serverKey] = stored as unknown as [string, string, string, string, string];
    return { iterations: Number(iterations), salt: Buffer.from(salt, 'base64'), storedKey: Buffer.from(storedKey, 'base64'), serverKey: Buffer.from(serverKey, 'base64') };
  }
  return scramVerifier(password, randomBytes(16));
}
