import { DEFAULT_KUBE_MARKER, DEFAULT_VAULT_MARKER } from '../config/types.ts';

export interface SandboxConfigInput {
  name: string;
  kubeconfig: string;
  context: string;
  server: string;
  vault?: { address: string; keyFile: string };
  prod: { contexts: string[]; servers: string[]; vault: string[]; keyFiles: string[] };
}

const q = (s: string) => JSON.stringify(s);
const list = (xs: string[]) => `[${xs.map(q).join(', ')}]`;

/**
 * The configuration `sandbox init` writes: commented, every field README#configuration
 * documents that init can know, the prod deny-list as the operator gave it.
 */
export function sandboxConfigText(c: SandboxConfigInput): string {
  const k = DEFAULT_KUBE_MARKER;
  const v = DEFAULT_VAULT_MARKER;
  return [
    '# lab-tui configuration, written by `lab-tui sandbox init` (README#configuration).',
    '# Check it with `lab-tui config check`, then `lab-tui doctor`.',
    'sandbox:',
    `  name: ${q(c.name)}`,
    '  kubernetes:',
    '    # lab-tui\'s own least-privilege identity (ServiceAccount lab-tui), the sandbox context only.',
    `    kubeconfig: ${q(c.kubeconfig)}`,
    `    context: ${q(c.context)}`,
    `    server: ${q(c.server)}`,
    '    # The ConfigMap the guard reads before any other request; init created it.',
    `    marker: { namespace: ${k.namespace}, name: ${k.name}, key: ${k.key}, value: ${k.value} }`,
    ...(c.vault
      ? [
          '  vault:',
          `    address: ${q(c.vault.address)}`,
          '    # `vault operator init -format=json` of the sandbox Vault (0600); never a prod key file.',
          `    keyFile: ${q(c.vault.keyFile)}`,
          `    marker: { mount: ${v.mount}, path: ${v.path}, key: ${v.key}, value: ${v.value} }`,
        ]
      : []),
    '  # Add postgres, gitea, stepca, power, recovery and backups as README#configuration describes.',
    '# What lab-tui must never reach: every entry is refused, whatever the sandbox settings say.',
    'prod:',
    `  contexts: ${list(c.prod.contexts)}`,
    `  servers: ${list(c.prod.servers)}`,
    `  vault: ${list(c.prod.vault)}`,
    `  keyFiles: ${list(c.prod.keyFiles)}`,
    '',
  ].join('\n');
}
