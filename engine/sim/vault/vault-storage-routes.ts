import type { DatabaseRole, KubernetesRole, VaultCore, VaultToken, WrittenFields } from '../world/vault-core.ts';
import { NOT_CONFIG, routeDatabaseConfig } from './vault-database-routes.ts';
import { parsePolicy, PolicyParseError, type Capability } from './vault-acl.ts';
import { commaList, durationSeconds, stringList, upgraded } from './vault-fields.ts';
import { errors, permissionDenied } from './vault-reply.ts';
import { logical } from './vault-responses.ts';

// Vault's policy, kubernetes auth role, database role and lease-revocation endpoints, with the
// request and response shapes of Vault 1.17 (sys/policies/acl, auth/kubernetes/role,
// database/roles, sys/leases/revoke[-prefix]).

export const UNHANDLED = Symbol('unhandled');
type Body = Record<string, unknown>;

/** Vault's system default and maximum lease TTL (768h), used when a role's TTL is 0. */
const SYSTEM_DEFAULT_TTL_S = 768 * 3600;
const AUDIENCE_WARNING = 'This role does not specify an audience. In a future version of Vault, specifying an audience will be required.';

interface KubernetesFields extends WrittenFields {
  token_ttl: number;
  token_max_ttl: number;
  audience?: string;
  deprecatedPolicies: boolean;
  deprecatedTtl: boolean;
}

/** Returns the response (undefined = 204), or UNHANDLED when `path` is not one of these endpoints. */
export async function routeStorage(vault: VaultCore, token: VaultToken, method: string, path: string, body: Body, afterWrite: () => void): Promise<unknown> {
  const need = (p: string, ...capabilities: Capability[]) => {
    if (!capabilities.every((c) => vault.allowed(token, p, c))) throw permissionDenied();
  };
  const write = method === 'PUT' || method === 'POST';
  let m: RegExpExecArray | null;

  if ((path === 'sys/policies/acl' && method === 'LIST') || (path === 'sys/policy' && method === 'GET')) {
    need(method === 'LIST' ? 'sys/policies/acl/' : 'sys/policy', method === 'LIST' ? 'list' : 'read');
    const keys = vault.policyNames();
    return path === 'sys/policy' ? { policies: keys, keys, ...logical({ policies: keys, keys }) } : { keys, ...logical({ keys }) };
  }
  if ((m = /^sys\/(policies\/acl|policy)\/([^/]+)$/.exec(path))) {
    const legacy = m[1] === 'policy';
    const name = (m[2] as string).toLowerCase();
    if (method === 'GET') {
      need(path, 'read');
      const rules = vault.policy(name);
      if (rules === undefined) throw errors(404);
      const data = legacy ? { name, rules } : { name, policy: rules };
      return { ...data, ...logical(data) };
    }
    if (write) {
      need(path, 'update');
      return writePolicy(vault, name, body, legacy);
    }
    if (method === 'DELETE') {
      need(path, 'delete');
      if (name === 'root') throw errors(400, 'cannot delete "root" policy');
      if (name === 'default') throw errors(400, 'cannot delete default policy');
      vault.deletePolicy(name);
      return undefined;
    }
  }

  if (path === 'auth/kubernetes/role' && method === 'LIST') {
    need('auth/kubernetes/role/', 'list');
    return listed(vault.spec.kubernetesRoles.map((r) => r.name));
  }
  if ((m = /^auth\/kubernetes\/role\/([^/]+)$/.exec(path))) {
    const name = (m[1] as string).toLowerCase();
    const role = vault.kubernetesRole(name);
    if (method === 'GET') {
      need(path, 'read');
      if (!role) throw errors(404);
      return logical(kubernetesRoleView(role, vault.writtenFields('kubernetes', name) as KubernetesFields | undefined));
    }
    if (write) {
      need(path, role ? 'update' : 'create');
      return writeKubernetesRole(vault, name, role, body);
    }
    if (method === 'DELETE') {
      need(path, 'delete');
      vault.deleteKubernetesRole(name);
      return undefined;
    }
  }

  if (path === 'database/roles' && method === 'LIST') {
    need('database/roles/', 'list');
    return listed(vault.spec.databaseRoles.map((r) => r.name));
  }
  if ((m = /^database\/roles\/([^/]+)$/.exec(path))) {
    const name = m[1] as string;
    const role = vault.databaseRole(name);
    if (method === 'GET') {
      need(path, 'read');
      if (!role) throw errors(404);
      return logical(vault.databaseRoleFields(role));
    }
    if (write) {
      need(path, role ? 'update' : 'create');
      writeDatabaseRole(vault, name, role, body);
      return undefined;
    }
    if (method === 'DELETE') {
      need(path, 'delete');
      vault.deleteDatabaseRole(name);
      return undefined;
    }
  }

  const config = routeDatabaseConfig(vault, method, path, body, need);
  if (config !== NOT_CONFIG) return config;

  if ((m = /^sys\/(?:leases\/)?revoke-prefix\/(.+)$/.exec(path)) && write) {
    need(path, 'update', 'sudo');
    const revoked = vault.database.revokePrefix(m[1] as string);
    afterWrite();
    const refused = await revoked;
    if (refused) throw refused;
    return undefined;
  }
  if ((m = /^sys\/(?:leases\/)?revoke(?:\/(.+))?$/.exec(path)) && write) {
    need(path, 'update');
    const leaseId = m[1] ?? body.lease_id;
    if (typeof leaseId !== 'string' || leaseId === '') throw errors(400, 'lease_id must be specified');
    const revoked = vault.database.revoke(leaseId);
    afterWrite();
    const refused = await revoked;
    if (refused) throw refused;
    return undefined;
  }
  return UNHANDLED;
}

/** Vault answers a LIST with no keys 404, not an empty list. */
function listed(keys: string[]): unknown {
  if (!keys.length) throw errors(404);
  return logical({ keys: [...keys].sort() });
}

function writePolicy(vault: VaultCore, name: string, body: Body, legacy: boolean): unknown {
  const usedRules = legacy && !body.policy && typeof body.rules === 'string';
  let text = String((usedRules ? body.rules : body.policy) ?? '');
  if (text === '') throw errors(400, "'policy' parameter not supplied or empty");
  // Vault accepts the HCL base64-encoded too.
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(text)) text = Buffer.from(text, 'base64').toString('utf8');
  if (name === 'root') throw errors(400, 'cannot update "root" policy');
  try {
    parsePolicy(text);
  } catch (err) {
    if (err instanceof PolicyParseError) throw errors(400, err.message);
    throw err;
  }
  vault.putPolicy(name, text);
  return usedRules ? logical(null, { warnings: ["'rules' is deprecated, please use 'policy' instead"] }) : undefined;
}

function kubernetesRoleView(role: KubernetesRole, fields: KubernetesFields | undefined): Record<string, unknown> {
  const ttl = fields?.token_ttl ?? role.ttl / 1000;
  const maxTtl = fields?.token_max_ttl ?? 0;
  return {
    alias_name_source: 'serviceaccount_uid',
    ...(fields?.audience ? { audience: fields.audience } : {}),
    bound_service_account_names: role.serviceAccounts,
    bound_service_account_namespace_selector: '',
    bound_service_account_namespaces: role.namespaces,
    ...(fields?.deprecatedPolicies && role.policies.length ? { policies: role.policies } : {}),
    token_bound_cidrs: [],
    token_explicit_max_ttl: 0,
    token_max_ttl: maxTtl,
    token_no_default_policy: false,
    token_num_uses: 0,
    token_period: 0,
    token_policies: role.policies,
    token_ttl: ttl,
    token_type: 'default',
    ...(fields?.deprecatedTtl && ttl > 0 ? { ttl } : {}),
  };
}

/** Create or update: on update, fields left out keep their values (as Vault's UpdateOperation). */
function writeKubernetesRole(vault: VaultCore, name: string, existing: KubernetesRole | undefined, body: Body): unknown {
  const before = existing ? kubernetesRoleView(existing, vault.writtenFields('kubernetes', name) as KubernetesFields | undefined) : undefined;
  const names = body.bound_service_account_names !== undefined ? commaList('bound_service_account_names', body.bound_service_account_names) : existing?.serviceAccounts ?? [];
  if (!names.length) throw errors(400, '"bound_service_account_names" can not be empty');
  if (names.length > 1 && names.includes('*')) throw errors(400, 'can not mix "*" with values');
  const namespaces = body.bound_service_account_namespaces !== undefined ? commaList('bound_service_account_namespaces', body.bound_service_account_namespaces) : existing?.namespaces ?? [];
  if (!namespaces.length) throw errors(400, '"bound_service_account_namespaces" can not be empty if "bound_service_account_namespace_selector" is not set');
  if (namespaces.length > 1 && namespaces.includes('*')) throw errors(400, 'can not mix "*" with values');
  const policiesField = upgraded(body, 'token_policies', 'policies');
  const ttlField = upgraded(body, 'token_ttl', 'ttl');
  const maxTtlField = upgraded(body, 'token_max_ttl', 'max_ttl');
  const policies = policiesField ? commaList(policiesField.deprecated ? 'policies' : 'token_policies', policiesField.value) : existing?.policies ?? [];
  const ttl = ttlField ? durationSeconds(ttlField.deprecated ? 'ttl' : 'token_ttl', ttlField.value) : Number(before?.token_ttl ?? 0);
  const maxTtl = maxTtlField ? durationSeconds(maxTtlField.deprecated ? 'max_ttl' : 'token_max_ttl', maxTtlField.value) : Number(before?.token_max_ttl ?? 0);
  if (maxTtl > 0 && ttl > maxTtl) throw errors(400, 'token ttl should not be greater than token max ttl');
  const audience = typeof body.audience === 'string' ? body.audience : (before?.audience as string | undefined);
  const effectiveTtl = ttl || maxTtl || SYSTEM_DEFAULT_TTL_S;
  const fields: KubernetesFields = {
    token_ttl: ttl,
    token_max_ttl: maxTtl,
    ...(audience ? { audience } : {}),
    deprecatedPolicies: policiesField ? policiesField.deprecated : 'policies' in (before ?? {}),
    deprecatedTtl: ttlField ? ttlField.deprecated : 'ttl' in (before ?? {}),
  };
  vault.putKubernetesRole({ name, serviceAccounts: names, namespaces, policies, ttl: effectiveTtl * 1000 }, fields);
  // Vault 1.15+ warns (200 with a body instead of 204) until roles name an audience.
  return audience ? undefined : logical(null, { warnings: [AUDIENCE_WARNING] });
}

const STATEMENT_FIELDS = ['creation_statements', 'revocation_statements', 'rollback_statements', 'renew_statements'];

/** Create or update; the database the role grants on is read from its `GRANT … ON DATABASE x`. */
function writeDatabaseRole(vault: VaultCore, name: string, existing: DatabaseRole | undefined, body: Body): void {
  const view: WrittenFields = existing ? { ...vault.databaseRoleFields(existing) } : { creation_statements: [], credential_type: 'password', db_name: '', default_ttl: 0, max_ttl: 0, renew_statements: [], revocation_statements: [], rollback_statements: [] };
  if (body.db_name !== undefined) view.db_name = String(body.db_name);
  if (!view.db_name) throw errors(400, 'database name is required');
  for (const field of STATEMENT_FIELDS) if (body[field] !== undefined) view[field] = stringList(field, body[field]);
  view.revocation_statements = (view.revocation_statements as string[]).filter((s) => s.trim() !== '');
  for (const field of ['default_ttl', 'max_ttl']) if (body[field] !== undefined) view[field] = durationSeconds(field, body[field]);
  const statements = (view.creation_statements as string[]).join('\n');
  const database = /\bGRANT\b[\s\S]*?\bON\s+DATABASE\s+(?:"((?:[^"]|"")+)"|([A-Za-z_][\w$]*))/i.exec(statements);
  const seconds = (field: string) => (Number(view[field]) || SYSTEM_DEFAULT_TTL_S) * 1000;
  vault.putDatabaseRole(
    { name, database: database ? (database[1]?.replace(/""/g, '"') ?? (database[2] as string).toLowerCase()) : '', defaultTtl: seconds('default_ttl'), maxTtl: seconds('max_ttl') },
    view,
  );
}
