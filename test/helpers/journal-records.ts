import type { NewRecord } from '../../engine/runbook/run-types.ts';

/** A run-started record of a one-step Vault unseal run, for journal tests. */
export const runStarted = (runId: string): NewRecord => ({
  type: 'run-started',
  runId,
  runbook: 'runbooks/vault.md',
  digest: 'abc',
  section: 'vault-unseal',
  sectionTitle: 'Vault unseal',
  steps: [{ id: 'vault-unseal/1', kind: 'AGENT', title: 'Unseal' }],
  mode: { paranoid: false },
  sandbox: 'lab-sim',
  operator: 'ops',
});
