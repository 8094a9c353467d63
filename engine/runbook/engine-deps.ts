import type { KubeAdapter } from '../adapters/kube.ts';
import type { PostgresAdapter } from '../adapters/postgres.ts';
import type { ProcessRunner } from '../adapters/process.ts';
import type { VaultAdapter } from '../adapters/vault.ts';
import type { Snapshot } from '../health/types.ts';
import type { Redactor } from './redact.ts';

/**
 * What the runbook engine needs from the sandbox, handed over by the isolation guard: the
 * engine never builds a client itself, so everything it touches was identified first.
 */
export interface EngineDeps {
  kube(): Promise<KubeAdapter>;
  vault(): VaultAdapter | undefined;
  postgres(): PostgresAdapter | undefined;
  /** For pg_restore, passed to it as PGPASSWORD; the redactor knows it. */
  postgresPassword(): string | undefined;
  processes(): ProcessRunner;
  /** The isolation guard's judgement of a command before it runs: the refusal's rule and reason, or undefined. */
  vetCommand(command: string): Promise<{ rule: string; reason: string } | undefined>;
  /** What child processes see of the operator's environment, recorded with each run. */
  childEnv: { home: 'private' | 'real'; pass: string[] };
  /** Shell templates for actions without an API (config `sandbox.recovery`). */
  recovery: Partial<Record<string, string>>;
  /** Command templates that power a node off/on (`{node}`), config `sandbox.power`. */
  power?: { stop: string; start: string };
  /** Directory of `<database>*.dump` files (config `sandbox.backups.postgres`). */
  postgresBackups?: string;
  /** The health service's latest snapshot, which probes read. */
  snapshot(): Snapshot;
  redactor: Redactor;
}
