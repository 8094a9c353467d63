import type { VaultAdapter } from '../../adapters/vault.ts';
import type { GateCheck } from '../gate-result.ts';
import { check, errorText, type ChainContext } from './chain-context.ts';

interface Data<T> {
  data?: T;
  lease_id?: string;
  lease_duration?: number;
}

/** The capabilities an ACL policy's HCL grants on `path` (Vault's `*` suffix and `+` segment globs). */
export function grantedCapabilities(hcl: string, path: string): string[] {
  const caps = new Set<string>();
  for (const [, pattern, body] of hcl.matchAll(/path\s+"([^"]+)"\s*\{([^}]*)\}/g)) {
    const list = /capabilities\s*=\s*\[([^\]]*)\]/.exec(body ?? '')?.[1] ?? '';
    if (globMatches(pattern as string, path)) for (const [, c] of list.matchAll(/"([^"]+)"/g)) caps.add(c as string);
  }
  return [...caps];
}

function globMatches(pattern: string, path: string): boolean {
  const prefix = pattern.endsWith('*');
  const want = (prefix ? pattern.slice(0, -1) : pattern).split('/');
  const have = path.split('/');
  if (!prefix && want.length !== have.length) return false;
  return want.every((seg, i) => {
    const got = have[i];
    if (got === undefined) return false;
    if (seg === '+') return true;
    return prefix && i === want.length - 1 ? got.startsWith(seg) : got === seg;
  });
}

async function readData<T>(vault: VaultAdapter, path: string): Promise<T | Error> {
  try {
    return ((await vault.read(path)) as Data<T>).data as T;
  } catch (e) {
    return e as Error;
  }
}

/**
 * Vault issues `database/creds/<role>` only for a role its connection's `allowed_roles` lists: the
 * canary's is added for the run, and the cleanup puts back the exact list it found.
 */
async function allowCanaryRole(ctx: ChainContext, vault: VaultAdapter): Promise<GateCheck> {
  const { connection, name } = ctx.m.vault.databaseRole;
  const path = `database/config/${connection}`;
  const title = `vault: ${path} allowed_roles`;
  const config = await readData<{ allowed_roles?: string[] }>(vault, path);
  if (config instanceof Error) return check(title, `lists ${name}`, errorText(config), false);
  const roles = config.allowed_roles ?? [];
  if (roles.includes('*') || roles.includes(name)) return check(title, `lists ${name}`, roles.join(', '), true);
  try {
    await vault.write(path, { allowed_roles: [...roles, name] });
  } catch (e) {
    return check(title, `lists ${name} (added for the run)`, `${errorText(e)}: lab-tui may not add ${name} to it; add it to the connection's allowed_roles, or let the sandbox token update ${path}`, false);
  }
  ctx.allowedRolesBefore = { path, roles };
  return check(title, `lists ${name}`, `${name} added for the run (was: ${roles.join(', ') || 'none'})`, true);
}

/** Link 3: Vault's policy, kubernetes auth role and database role for the app exist and issue credentials. */
export async function vaultLink(ctx: ChainContext): Promise<GateCheck[]> {
  const vault = ctx.deps.vault();
  const { policy, kubernetesRole: k8s, databaseRole: db } = ctx.m.vault;
  if (!vault) return [check(`vault: policy ${policy.name}`, 'exists', 'no sandbox Vault configured (sandbox.vault)', false)];
  const writes: [string, string, object][] = [
    [`vault: write policy ${policy.name}`, `sys/policies/acl/${policy.name}`, { policy: policy.rules }],
    [`vault: write kubernetes role ${k8s.name}`, `auth/kubernetes/role/${k8s.name}`, { bound_service_account_names: [k8s.serviceAccount], bound_service_account_namespaces: [k8s.namespace], token_policies: k8s.policies, token_ttl: k8s.ttl }],
    [`vault: write database role ${db.name}`, `database/roles/${db.name}`, { db_name: db.connection, creation_statements: [db.creationStatements], revocation_statements: db.revocationStatements ? [db.revocationStatements] : [], default_ttl: db.defaultTtl, max_ttl: db.maxTtl }],
  ];
  // Before the role: Vault may refuse a role its connection does not allow.
  const allowed = await allowCanaryRole(ctx, vault);
  if (!allowed.ok) return [allowed];
  for (const [name, path, body] of writes) {
    try {
      await vault.write(path, body);
    } catch (e) {
      return [allowed, check(name, 'written', errorText(e), false)];
    }
  }
  const creds = `database/creds/${db.name}`;
  const checks: GateCheck[] = [allowed];
  const rules = await readData<{ policy?: string }>(vault, `sys/policies/acl/${policy.name}`);
  const caps = rules instanceof Error ? [] : grantedCapabilities(rules.policy ?? '', creds);
  checks.push(check(`vault: policy ${policy.name}`, `grants read on ${creds}`, rules instanceof Error ? errorText(rules) : caps.length ? `grants ${caps.join(', ')} on ${creds}` : `grants nothing on ${creds}`, caps.includes('read')));

  const role = await readData<{ bound_service_account_names?: string[]; bound_service_account_namespaces?: string[]; token_policies?: string[] }>(vault, `auth/kubernetes/role/${k8s.name}`);
  const binding = (r: Exclude<typeof role, Error>) => `${r.bound_service_account_namespaces?.join(',')}/${r.bound_service_account_names?.join(',')} → ${(r.token_policies ?? []).join(', ') || 'no policy'}`;
  const wantBinding = `${k8s.namespace}/${k8s.serviceAccount} → ${policy.name}`;
  const bound = !(role instanceof Error) && !!role.bound_service_account_names?.includes(k8s.serviceAccount) && !!role.bound_service_account_namespaces?.includes(k8s.namespace) && !!role.token_policies?.includes(policy.name);
  checks.push(check(`vault: kubernetes role ${k8s.name}`, wantBinding, role instanceof Error ? errorText(role) : binding(role), bound));

  const dbRole = await readData<{ db_name?: string; creation_statements?: string[] }>(vault, `database/roles/${db.name}`);
  const database = ctx.m.postgres.database;
  const grantsOn = (r: Exclude<typeof dbRole, Error>) => /ON DATABASE\s+"?([^"\s;]+)"?/i.exec((r.creation_statements ?? []).join(' '))?.[1];
  const onDb = dbRole instanceof Error ? undefined : grantsOn(dbRole);
  checks.push(check(`vault: database role ${db.name}`, `grants on database ${database}`, dbRole instanceof Error ? errorText(dbRole) : onDb ? `grants on database ${onDb}` : 'grants on no database', onDb === database));

  const issued = (await vault.read(creds).catch((e: Error) => e)) as Data<{ username?: string }> | Error;
  const gotCreds = !(issued instanceof Error) && !!issued.data?.username;
  checks.push(check(`vault: ${creds}`, 'issues credentials', issued instanceof Error ? errorText(issued) : gotCreds ? `issued (lease ${issued.lease_duration ?? '?'}s)` : 'answered without a username', gotCreds));
  // The proof-of-issue lease is not needed: revoking it keeps the throwaway role's footprint to VSO's.
  if (!(issued instanceof Error) && issued.lease_id) await vault.write('sys/leases/revoke', { lease_id: issued.lease_id }).catch(() => {});
  return checks;
}
