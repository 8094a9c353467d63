import type { VaultCore } from '../world/vault-core.ts';
import type { DatabaseConnection } from '../world/vault-database.ts';
import type { Capability } from './vault-acl.ts';
import { commaList, stringList } from './vault-fields.ts';
import { errors } from './vault-reply.ts';
import { logical } from './vault-responses.ts';

export const NOT_CONFIG = Symbol('not database/config');
type Body = Record<string, unknown>;

const PASSWORD_IN_URL = 'Password found in connection_url, use a templated url to enable root rotation and prevent read access to password information.';

/**
 * database/config[/:name] as in Vault 1.17 (builtin/logical/database/path_config_connection.go):
 * LIST, read (connection_details without the password, the URL's password redacted), write
 * (fields left out keep their value on update; plugin_name is required on create), delete.
 */
export function routeDatabaseConfig(vault: VaultCore, method: string, path: string, body: Body, need: (path: string, ...c: Capability[]) => void): unknown {
  const secrets = vault.database;
  if (path === 'database/config' && method === 'LIST') {
    need('database/config/', 'list');
    const keys = secrets.connectionNames();
    if (!keys.length) throw errors(404);
    return logical({ keys });
  }
  const m = /^database\/config\/([^/]+)$/.exec(path);
  if (!m) return NOT_CONFIG;
  const name = m[1] as string;
  const existing = secrets.connection(name);
  if (method === 'GET') {
    need(path, 'read');
    if (!existing) throw errors(404);
    return logical(view(existing));
  }
  if (method === 'DELETE') {
    need(path, 'delete');
    secrets.deleteConnection(name);
    return undefined;
  }
  if (method !== 'PUT' && method !== 'POST') return NOT_CONFIG;
  need(path, existing ? 'update' : 'create');
  const pluginName = body.plugin_name !== undefined ? String(body.plugin_name) : existing?.pluginName;
  if (!pluginName) throw errors(400, 'empty plugin name');
  const connection: DatabaseConnection = {
    name,
    pluginName,
    pluginVersion: body.plugin_version !== undefined ? String(body.plugin_version) : (existing?.pluginVersion ?? ''),
    connectionUrl: body.connection_url !== undefined ? String(body.connection_url) : (existing?.connectionUrl ?? ''),
    username: body.username !== undefined ? String(body.username) : (existing?.username ?? ''),
    allowedRoles: body.allowed_roles !== undefined ? commaList('allowed_roles', body.allowed_roles) : (existing?.allowedRoles ?? []),
    verifyConnection: body.verify_connection !== undefined ? body.verify_connection === true || body.verify_connection === 'true' : (existing?.verifyConnection ?? true),
    passwordPolicy: body.password_policy !== undefined ? String(body.password_policy) : (existing?.passwordPolicy ?? ''),
    rootRotationStatements: body.root_rotation_statements !== undefined ? stringList('root_rotation_statements', body.root_rotation_statements) : (existing?.rootRotationStatements ?? []),
  };
  secrets.putConnection(connection);
  return urlPassword(connection.connectionUrl) ? logical(null, { warnings: [PASSWORD_IN_URL] }) : undefined;
}

function view(c: DatabaseConnection): Record<string, unknown> {
  return {
    allowed_roles: c.allowedRoles,
    connection_details: { connection_url: redacted(c.connectionUrl), username: c.username },
    password_policy: c.passwordPolicy,
    plugin_name: c.pluginName,
    plugin_version: c.pluginVersion,
    root_credentials_rotate_statements: c.rootRotationStatements,
    verify_connection: c.verifyConnection,
  };
}

/** A literal (not templated) password in the URL's user info. */
function urlPassword(url: string): string | undefined {
  const password = /^[a-z]+:\/\/[^:/@]*:([^@/]*)@/i.exec(url)?.[1];
  return password && password !== '{{password}}' ? password : undefined;
}

/** Go's url.Redacted(): a password in the user info shows as `xxxxx`. */
function redacted(url: string): string {
  return urlPassword(url) ? url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@/]*@/i, '$1xxxxx@') : url;
}
