import { RECOVERY_TOOLS, type SandboxConfig } from '../config/types.ts';

/** How a field names where lab-tui goes: a URL, a host, `host:port`, a git remote, or a command that runs. */
export type TargetKind = 'url' | 'host' | 'host-port' | 'git-remote' | 'command';

export interface TargetField {
  /** The configuration path, as errors and `config check` name it. */
  path: string;
  kind: TargetKind;
  /** A list field gives each of its entries (judged, and named, as `path[i]`). */
  value(s: SandboxConfig): string | readonly string[] | undefined;
}

/**
 * Every configuration field that names a target. Each is judged against every prod host,
 * whichever prod list the host came from; a test fails when a field that holds a URL, a host
 * or a command is missing here.
 */
export const TARGET_FIELDS: readonly TargetField[] = [
  { path: 'sandbox.kubernetes.server', kind: 'url', value: (s) => s.kubernetes.server },
  { path: 'sandbox.vault.address', kind: 'url', value: (s) => s.vault?.address },
  { path: 'sandbox.postgres.host', kind: 'host', value: (s) => s.postgres?.host },
  { path: 'sandbox.gitea.url', kind: 'url', value: (s) => s.gitea?.url },
  { path: 'sandbox.stepca.url', kind: 'url', value: (s) => s.stepca?.url },
  { path: 'sandbox.stepca.endpoints', kind: 'host-port', value: (s) => s.stepca?.endpoints.map((e) => e.address) },
  { path: 'sandbox.stepca.ingressAddress', kind: 'host-port', value: (s) => s.stepca?.ingressAddress },
  { path: 'sandbox.runbooks.remote', kind: 'git-remote', value: (s) => s.runbooks?.remote },
  { path: 'sandbox.evidence.remote', kind: 'git-remote', value: (s) => s.evidence?.remote },
  { path: 'sandbox.simulator.control', kind: 'url', value: (s) => s.simulator?.control },
  { path: 'sandbox.power.stop', kind: 'command', value: (s) => s.power?.stop },
  { path: 'sandbox.power.start', kind: 'command', value: (s) => s.power?.start },
  ...RECOVERY_TOOLS.map((tool): TargetField => ({ path: `sandbox.recovery.${tool}`, kind: 'command', value: (s) => s.recovery[tool] })),
];
