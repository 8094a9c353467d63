import path from 'node:path';
import { manifestPath } from '../../engine/common/package-root.ts';
import type { LabConfig } from '../config/types.ts';

/** The lab's runbooks (`sandbox.runbooks.path`) first, then the ones lab-tui ships. */
export function runbookSources(config: LabConfig | undefined): string[] {
  return [config?.sandbox.runbooks?.path, manifestPath('runbooks')].filter((p): p is string => !!p);
}

/** Run journals live with the evidence: the drills' evidence trail reads them. */
export function runsDir(config: LabConfig): string {
  return path.join(config.sandbox.evidenceDir, 'runs');
}
