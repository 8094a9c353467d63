import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mermaidText, timelineGantt, type GanttLabels } from '../../engine/drills/timeline-gantt.ts';
import { buildTimeline } from '../../engine/drills/timeline.ts';
import { drillJournal, type DrillJournalSpec } from '../helpers/drill-journal.ts';
import { parseGantts } from '../helpers/mermaid-gantt.ts';

const LABELS: GanttLabels = { faultSection: 'Fault and detection', stepsSection: 'Runbook steps', endSection: 'Acceptance and cleanup', fault: 'Fault', detection: 'Detection', improvised: 'Improvised', acceptance: 'Acceptance met', cleanup: 'Cleanup', cleanupFailed: 'Cleanup failed' };
const START = '2026-11-20T10:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(START) + ms).toISOString();

/** A step title with everything Mermaid's gantt grammar would misread. */
const NASTY = 'Post in #ops: "erp <down>"; 100% (really)\nthen wait';

const SPEC: DrillJournalSpec = {
  runId: 'r',
  drill: 'db-drop-restore',
  title: 'Database drop',
  section: 'postgres-restore',
  start: START,
  faultMs: 1_000,
  fault: { kind: 'db-drop', target: 'erp' },
  detectMs: 2_000,
  probe: 'sql erp',
  steps: [
    { title: NASTY, kind: 'HUMAN', atMs: 5_000, ms: 10_000, status: 'done' },
    { title: 'Restore the `erp` database from the newest dump.', kind: 'AGENT', atMs: 15_000, ms: 0 },
    { title: 'Scale the ERP up', kind: 'AGENT', ms: 0 },
  ],
};

describe('a timeline as a Mermaid gantt', () => {
  it('escapes what would end a task name or start a comment, and reads back the same', () => {
    const escaped = mermaidText(NASTY);
    assert.doesNotMatch(escaped.replace(/#\d+;/g, ''), /[:#;%()<>"\n]/);
    const [gantt] = parseGantts(['```mermaid', "%%{init: {'theme':'base'}}%%", 'gantt', '  section s', `  ${escaped} :t1, ${START}, 0ms`, '```'].join('\n'));
    assert.equal(gantt!.sections[0]!.tasks[0]!.name, 'Post in #ops: "erp <down>"; 100% (really) then wait');
  });

  it('draws a running drill up to its newest record: the step in hand active, the steps to come where it ends', () => {
    const records = drillJournal(SPEC);
    // The newest record is a health transition seen while step 2 runs.
    records.push({ seq: records.length + 1, at: at(40_000), type: 'health-transition', subject: 'app/erp', from: 'Synced/Degraded', to: 'Synced/Healthy' });
    const t = buildTimeline(records)!;
    assert.equal(t.running, true);
    const [gantt] = parseGantts(timelineGantt(t, LABELS).join('\n'));
    // No acceptance or cleanup yet: that section is not drawn.
    assert.deepEqual(gantt!.sections.map((s) => s.name), ['Fault and detection', 'Runbook steps']);
    assert.deepEqual(gantt!.sections[0]!.tasks.map((x) => [x.id, x.start, x.durationMs, x.tags]), [
      ['fault', at(1_000), 0, ['crit', 'milestone']],
      ['detection', at(1_000), 2_000, []],
    ]);
    assert.deepEqual(gantt!.sections[1]!.tasks.map((x) => [x.name, x.start, x.durationMs, x.tags]), [
      [`1 ${NASTY.replace('\n', ' ')}`, at(5_000), 10_000, ['done']],
      ['2 Restore the `erp` database from the newest dump.', at(15_000), 25_000, ['active']],
      ['3 Scale the ERP up', at(40_000), 0, []],
    ]);
  });
});
