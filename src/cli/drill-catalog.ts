import path from 'node:path';
import { manifestPath } from '../../engine/common/package-root.ts';
import type { Drill } from '../../engine/drills/drill-types.ts';
import { loadDrills } from '../../engine/drills/load-drill.ts';
import { loadRunbook } from '../../engine/runbook/parse-runbook.ts';
import type { LabConfig } from '../config/types.ts';
import { UsageError } from './exit-codes.ts';
import { runbookSources } from './runbook-paths.ts';

export const drillsDir = () => manifestPath('drills');

export function findDrill(id: string | undefined): Drill {
  const drills = loadDrills(drillsDir());
  const d = drills.find((x) => x.id === id);
  if (!d) throw new UsageError(`${id ? `no drill "${id}"` : 'drill run needs a drill id'}; drills: ${drills.map((x) => x.id).join(', ')}`);
  return d;
}

export function runbookFor(config: LabConfig, drill: Drill) {
  for (const dir of runbookSources(config)) {
    try {
      return loadRunbook(path.join(dir, drill.runbook.file));
    } catch (e) {
      if (!/file not found/.test((e as Error).message)) throw e;
    }
  }
  throw new UsageError(`${drill.file}: runbook ${drill.runbook.file} not found in ${runbookSources(config).join(', ')}`);
}

