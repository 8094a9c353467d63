import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { DrillRecord } from '../../engine/drills/drill-record.ts';
import { renderReport } from '../../engine/drills/report.ts';

const GOLDEN = path.resolve('test/drills/golden');

function rec(p: Partial<DrillRecord>): DrillRecord {
  return { schema: 'lab-tui/drill-run@1', runId: 'r', drill: 'vault-seal', title: 'Vault seal', changeClass: 'vault', sandbox: 'lab-sim', operator: 'alice', autopilot: false, versions: {}, runbook: { file: 'CLUSTER_RECOVERY.md', section: 'vault-unseal-vso-re-auth', digest: 'd' }, startedAt: '2026-11-20T10:00:00.000Z', outcome: 'passed', failedSteps: [], skippedSteps: [], improvised: [], journal: '/e/runs/r.jsonl', problems: [], ...p };
}

/** A game-day of three drill runs: one clean pass, one pass with improvisation, one failure. */
const GAMEDAY = [
  rec({ runId: 'a', startedAt: '2026-11-20T09:00:00.000Z', reason: 'acceptance met by following the runbook', timeToRecover: { totalMs: 252_000, detectionMs: 4_000, humanMs: 120_000, agentMs: 38_000, verifyMs: 90_000 } }),
  rec({ runId: 'b', startedAt: '2026-11-20T10:00:00.000Z', reason: 'acceptance met by following the runbook', timeToRecover: { totalMs: 126_000, detectionMs: 3_000, humanMs: 40_000, agentMs: 20_000, verifyMs: 63_000 } }),
  rec({ runId: 'c', drill: 'longhorn-corruption', title: 'Longhorn volume corruption', changeClass: 'storage', runbook: { file: 'CLUSTER_RECOVERY.md', section: 'longhorn-restore', digest: 'd' }, startedAt: '2026-11-20T11:00:00.000Z', outcome: 'passed-with-improvisation', reason: 'acceptance met, but the runbook is not current: longhorn-restore/2 failed; improvised "scaled traefik down by hand"', failedSteps: ['longhorn-restore/2'], improvised: ['scaled traefik down by hand'], timeToRecover: { totalMs: 605_000, detectionMs: 2_000, humanMs: 300_000, agentMs: 180_000, verifyMs: 120_000 } }),
  rec({ runId: 'd', drill: 'power-cut', title: 'Full power cut', changeClass: 'infra', runbook: { file: 'CLUSTER_RECOVERY.md', section: 'full-power-cut-recovery', digest: 'd' }, startedAt: '2026-11-20T13:00:00.000Z', outcome: 'failed', reason: 'acceptance not met: deployment.ready erp: erp/erp 0/1 ready, crash-looping: erp-7d9f', skippedSteps: ['full-power-cut-recovery/2'], autopilot: true }),
];

describe('game-day report (golden)', () => {
  for (const lang of ['en', 'fr'] as const) {
    it(`renders the ${lang} report exactly`, () => {
      const md = renderReport(GAMEDAY, { lang, scope: 'gd-2026-11-20-090000', generatedAt: '2026-11-20 18:00 UTC' });
      const file = path.join(GOLDEN, `report.${lang}.md`);
      if (process.env.UPDATE_GOLDEN) fs.writeFileSync(file, md);
      assert.equal(md, fs.readFileSync(file, 'utf8'));
    });
  }

  it('says so when nothing ran', () => {
    assert.match(renderReport([], { lang: 'en', scope: 'since 2026-12-01', generatedAt: 'x' }), /No drill run in this scope\./);
    assert.match(renderReport([], { lang: 'fr', scope: 'depuis le 2026-12-01', generatedAt: 'x' }), /Aucun exercice dans ce périmètre\./);
  });
});
