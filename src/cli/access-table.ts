import fs from 'node:fs';
import path from 'node:path';
import { accessInputs } from './access-inputs.ts';
import { permissionTable, type Permission } from '../../engine/access/permissions.ts';
import { vaultPaths, type VaultPath } from '../../engine/access/vault-policy.ts';
import { DEFAULT_CANARY_FILE, loadCanaryManifest } from '../../engine/gates/canary/canary-manifest.ts';
import { loadRunbook } from '../../engine/runbook/parse-runbook.ts';
import type { Runbook } from '../../engine/runbook/types.ts';
import { DEFAULT_KUBE_MARKER, DEFAULT_VAULT_MARKER, type LabConfig } from '../config/types.ts';
import { runbookSources } from './runbook-paths.ts';

function runbooksIn(config: LabConfig | undefined): Runbook[] {
  return runbookSources(config).flatMap((dir) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md').map((f) => loadRunbook(path.join(dir, f))) : []));
}

/** This configuration's permission table and Vault paths: its marker, its runbooks, its canary convention. */
export function accessFor(config: LabConfig | undefined): { table: Permission[]; vault: VaultPath[] } {
  const canary = loadCanaryManifest(config?.sandbox.gates.canary?.manifest ?? DEFAULT_CANARY_FILE);
  const marker = config?.sandbox.kubernetes.marker ?? DEFAULT_KUBE_MARKER;
  const vm = config?.sandbox.vault?.marker ?? DEFAULT_VAULT_MARKER;
  const v = canary.vault;
  return {
    table: permissionTable(accessInputs(marker.namespace, runbooksIn(config), canary)),
    vault: vaultPaths({ marker: vm, canary: { policy: v.policy.name, kubernetesRole: v.kubernetesRole.name, databaseRole: v.databaseRole.name, connection: v.databaseRole.connection } }),
  };
}
