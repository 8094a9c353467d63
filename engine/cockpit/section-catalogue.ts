import fs from 'node:fs';
import path from 'node:path';
import type { RunSummary } from '../runbook/journal.ts';
import { loadRunbook } from '../runbook/parse-runbook.ts';
import type { Runbook } from '../runbook/types.ts';
import type { DeskState, SectionEntry } from './types.ts';

/** The runbooks of every source; a file name the lab's own repository has hides the shipped copy. */
function runbookFiles(sources: string[]): string[] {
  const seen = new Set<string>();
  return sources.flatMap((src) => {
    if (!fs.existsSync(src)) return [];
    if (!fs.statSync(src).isDirectory()) return [src];
    return fs
      .readdirSync(src)
      .filter((f) => f.endsWith('.md') && f.toLowerCase() !== 'readme.md')
      .sort()
      .filter((f) => !seen.has(f) && seen.add(f))
      .map((f) => path.join(src, f));
  });
}

/** Every procedure on offer with its last rehearsal (`runs` newest first), and the runbooks that do not parse. */
export function sectionCatalogue(sources: string[], runs: RunSummary[]): Pick<DeskState, 'sections' | 'broken'> {
  const sections: SectionEntry[] = [];
  const broken: DeskState['broken'] = [];
  for (const file of runbookFiles(sources)) {
    let rb: Runbook;
    try {
      rb = loadRunbook(file);
    } catch (e) {
      broken.push({ file, error: (e as Error).message });
      continue;
    }
    for (const s of rb.sections.filter((x) => x.steps.length)) {
      const last = runs.find((r) => r.started.runbook === rb.file && r.started.section === s.id);
      sections.push({
        file: rb.file,
        runbook: rb.title,
        ...(rb.status ? { status: rb.status.status, ...(rb.status.lastUpdated ? { lastUpdated: rb.status.lastUpdated } : {}) } : {}),
        section: s.id,
        title: s.title,
        steps: s.steps.length,
        agentSteps: s.steps.filter((x) => x.kind === 'AGENT').length,
        ...(last ? { lastRun: { at: last.started.at, status: last.finished?.status ?? 'interrupted', runId: last.runId, file: last.file } } : {}),
      });
    }
  }
  return { sections, broken };
}
