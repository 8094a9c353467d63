import fs from 'node:fs';
import path from 'node:path';
import { manifestPath } from '../../engine/common/package-root.ts';
import type { Drill } from '../../engine/drills/drill-types.ts';
import { loadDrills } from '../../engine/drills/load-drill.ts';
import { loadRunbook } from '../../engine/runbook/parse-runbook.ts';
import type { Runbook } from '../../engine/runbook/types.ts';
import type { LabConfig } from '../config/types.ts';
import { UsageError } from './exit-codes.ts';
import { runbookSources } from './runbook-paths.ts';

export const drillsDir = () => manifestPath('drills');

/**
 * The drills on offer: the shipped ones, and the lab's own (`sandbox.drills.path`) beside them;
 * a lab drill with a shipped drill's id replaces it. Each names its section as the lab maps it
 * (`sandbox.runbooks.sections`: the lab's own file may title its sections differently).
 */
export function drillCatalog(config: LabConfig | undefined): Drill[] {
  const shipped = loadDrills(drillsDir());
  const dir = config?.sandbox.drills?.path;
  if (dir && !fs.existsSync(dir)) throw new UsageError(`sandbox.drills.path: ${dir} does not exist (in ${config!.file})`);
  const lab = dir ? loadDrills(dir).map((d): Drill => ({ ...d, origin: 'lab' })) : [];
  const ids = new Set(lab.map((d) => d.id));
  const sections = config?.sandbox.runbooks?.sections ?? {};
  return [...shipped.filter((d) => !ids.has(d.id)), ...lab]
    .map((d) => (sections[d.id] ? { ...d, runbook: { ...d.runbook, section: sections[d.id]! } } : d))
    .sort((a, b) => a.id.localeCompare(b.id));
}

export function findDrill(config: LabConfig | undefined, id: string | undefined): Drill {
  const drills = drillCatalog(config);
  const d = drills.find((x) => x.id === id);
  if (!d) throw new UsageError(`${id ? `no drill "${id}"` : 'drill run needs a drill id'}; drills: ${drills.map((x) => x.id).join(', ')}`);
  return d;
}

/** Edit distance, to name the section a mistyped or renamed one most likely is. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j]!;
      row[j] = next;
    }
  }
  return row[b.length]!;
}

/**
 * The runbook a drill of the catalogue follows. A missing section fails here, before anything is
 * injected, naming the sections that exist and the closest one.
 */
export function runbookFor(config: LabConfig | undefined, drill: Drill): { drill: Drill; runbook: Runbook } {
  let runbook: Runbook | undefined;
  for (const dir of runbookSources(config)) {
    try {
      runbook = loadRunbook(path.join(dir, drill.runbook.file));
      break;
    } catch (e) {
      if (!/file not found/.test((e as Error).message)) throw e;
    }
  }
  if (!runbook) throw new UsageError(`${drill.file}: runbook ${drill.runbook.file} not found in ${runbookSources(config).join(', ')}`);
  const { section } = drill.runbook;
  const ids = runbook.sections.filter((s) => s.steps.length).map((s) => s.id);
  if (!ids.includes(section)) {
    const closest = [...ids].sort((a, b) => distance(section, a) - distance(section, b))[0];
    const mapped = config?.sandbox.runbooks?.sections?.[drill.id] ? ` (mapped by sandbox.runbooks.sections.${drill.id} in ${config.file})` : '';
    throw new UsageError(`drill ${drill.id}: ${runbook.file} has no section "${section}"${mapped}; its sections: ${ids.join(', ')}${closest ? ` (closest: ${closest}; map it with sandbox.runbooks.sections: { ${drill.id}: ${closest} })` : ''}`);
  }
  return { drill, runbook };
}

/**
 * The digest of the section each drill follows now, read from the configured runbooks: what the
 * promotion gate compares with the one a run followed. The catalogue is read once, each runbook
 * section once per drill.
 */
export function currentSectionDigest(config: LabConfig | undefined): (drillId: string) => { digest: string } | { problem: string } {
  const seen = new Map<string, { digest: string } | { problem: string }>();
  let catalogue: Drill[] | undefined;
  const read = (drillId: string) => {
    const drill = (catalogue ??= drillCatalog(config)).find((d) => d.id === drillId);
    if (!drill) return { problem: `drill ${drillId} is no longer in the catalogue` };
    try {
      const { runbook } = runbookFor(config, drill);
      return { digest: runbook.sections.find((s) => s.id === drill.runbook.section)!.digest };
    } catch (e) {
      return { problem: (e as Error).message };
    }
  };
  return (drillId) => seen.get(drillId) ?? seen.set(drillId, read(drillId)).get(drillId)!;
}
