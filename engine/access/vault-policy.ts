/** What lab-tui reads and writes in Vault, as the `lab-tui` policy grants it. */
export interface VaultAccessInputs {
  marker: { mount: string; path: string };
  canary: { policy: string; kubernetesRole: string; databaseRole: string; connection: string };
}

export interface VaultPath {
  path: string;
  capabilities: string[];
  why: string;
}

export const VAULT_POLICY_NAME = 'lab-tui';

/** seal-status, health and unseal need no token: they are not in the policy. */
export function vaultPaths(v: VaultAccessInputs): VaultPath[] {
  const c = v.canary;
  const managed = ['create', 'read', 'update', 'delete'];
  return [
    { path: `${v.marker.mount}/data/${v.marker.path}`, capabilities: ['read'], why: 'the sandbox marker (guard)' },
    { path: 'sys/seal', capabilities: ['update', 'sudo'], why: 'the vault-seal drill' },
    { path: `sys/policies/acl/${c.policy}`, capabilities: managed, why: 'canary gate: the app policy' },
    { path: `auth/kubernetes/role/${c.kubernetesRole}`, capabilities: managed, why: 'canary gate: the kubernetes auth role' },
    { path: `database/roles/${c.databaseRole}`, capabilities: managed, why: 'canary gate: the database role' },
    { path: `database/config/${c.connection}`, capabilities: ['read', 'update'], why: 'canary gate: allowed_roles, added for the run and put back' },
    { path: `database/creds/${c.databaseRole}`, capabilities: ['read'], why: 'canary gate: proof that credentials are issued' },
    { path: 'sys/leases/revoke', capabilities: ['update'], why: 'canary gate: revoke the proof-of-issue lease' },
    { path: `sys/leases/revoke-prefix/database/creds/${c.databaseRole}`, capabilities: ['update', 'sudo'], why: 'canary gate cleanup: revoke every lease of the role' },
  ];
}

/** The policy in HCL, each path with why it is there. */
export function vaultPolicyHcl(paths: VaultPath[]): string {
  return paths.map((p) => `# ${p.why}\npath "${p.path}" {\n  capabilities = [${p.capabilities.map((c) => `"${c}"`).join(', ')}]\n}\n`).join('\n');
}
