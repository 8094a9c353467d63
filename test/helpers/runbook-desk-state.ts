import { manifestPath } from '../../engine/common/package-root.ts';
import { loadRunbook } from '../../engine/runbook/parse-runbook.ts';
import type { DeskState, SectionEntry } from '../../engine/cockpit/types.ts';
import type { Phase, RunView, StepView } from '../../engine/runbook/run-view.ts';
import type { Section } from '../../engine/runbook/types.ts';

export const CLUSTER_RECOVERY = manifestPath('runbooks/CLUSTER_RECOVERY.md');

/** A section of the shipped runbook, as the desk hands it to the walkthrough. */
export function shippedSection(id: string): Section {
  const s = loadRunbook(CLUSTER_RECOVERY).sections.find((x) => x.id === id);
  if (!s) throw new Error(`no section ${id} in ${CLUSTER_RECOVERY}`);
  return s;
}

export const RUN_STARTED_AT = '2026-11-23T10:05:00.000Z';

/** A run of `section` as the engine's view shows it: every step pending unless `steps` says otherwise. */
export function runViewOf(section: Section, o: { phase: Phase; current?: number; steps?: Partial<StepView>[]; notice?: string; output?: RunView['output']; improvised?: RunView['improvised']; startedAt?: string }): RunView {
  return {
    runId: '20261123T100500Z-' + section.id,
    runbook: CLUSTER_RECOVERY,
    section: section.id,
    sectionTitle: section.title,
    startedAt: o.startedAt ?? RUN_STARTED_AT,
    steps: section.steps.map((s, i) => ({ id: s.id, number: s.number, kind: s.kind, title: s.title, status: 'pending', ...(o.steps?.[i] ?? {}) })),
    current: o.current ?? 0,
    phase: o.phase,
    improvised: o.improvised ?? [],
    output: o.output ?? [],
    ...(o.notice !== undefined ? { notice: o.notice } : {}),
  };
}

export function entry(section: string, title: string, steps: number, agentSteps: number, lastRun?: SectionEntry['lastRun']): SectionEntry {
  return { file: CLUSTER_RECOVERY, runbook: 'Cluster recovery', status: '🟢 Active', lastUpdated: '2026-12-01', section, title, steps, agentSteps, ...(lastRun ? { lastRun } : {}) };
}

/** The picker's catalogue: a section never run, one whose last run was interrupted, one passed. */
export const PICKER_SECTIONS: SectionEntry[] = [
  entry('node-loss-reschedule', 'Node loss / reschedule', 3, 2),
  entry('vault-unseal-vso-re-auth', 'Vault unseal + VSO re-auth', 4, 3, { at: '2026-11-22T09:30:00.000Z', status: 'interrupted', runId: '20261122T093000Z-vault-unseal-vso-re-auth', file: '/runs/20261122T093000Z-vault-unseal-vso-re-auth.jsonl' }),
  entry('pki-re-issue', 'PKI re-issue', 2, 1, { at: '2026-11-21T16:45:00.000Z', status: 'passed', runId: '20261121T164500Z-pki-re-issue', file: '/runs/20261121T164500Z-pki-re-issue.jsonl' }),
  // A runbook without the house style's status line.
  { file: '/lab/runbooks/gitea.md', runbook: 'Gitea outage', section: 'restart', title: 'Restart Gitea', steps: 1, agentSteps: 0 },
];

export function pickerDesk(extra: Partial<DeskState> = {}): DeskState {
  return { sections: PICKER_SECTIONS, broken: [], drills: [], evidence: [], unreadable: [], gates: [], unavailableGates: {}, ...extra };
}

/** A desk with a run of `section` in hand. */
export function walkthroughDesk(section: Section, o: Parameters<typeof runViewOf>[1]): DeskState {
  return { sections: PICKER_SECTIONS, broken: [], drills: [], evidence: [], unreadable: [], gates: [], unavailableGates: {}, run: runViewOf(section, o), section };
}
