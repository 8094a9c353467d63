import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { DrillRecord } from '../../engine/drills/drill-record.ts';
import { renderReport } from '../../engine/drills/report.ts';
import { buildTimeline, type Timeline } from '../../engine/drills/timeline.ts';
import type { JournalRecord, TimeToRecover } from '../../engine/runbook/run-types.ts';
import { drillJournal, type DrillJournalSpec } from '../helpers/drill-journal.ts';
import { parseGantts } from '../helpers/mermaid-gantt.ts';

const GOLDEN = path.resolve('test/drills/golden');

function rec(p: Partial<DrillRecord>): DrillRecord {
  return { schema: 'lab-tui/drill-run@1', runId: 'r', drill: 'vault-seal', title: 'Vault seal', changeClass: 'vault', sandbox: 'lab-sim', operator: 'alice', autopilot: false, simulated: false, versions: {}, runbook: { file: 'CLUSTER_RECOVERY.md', section: 'vault-unseal-vso-re-auth', digest: 'd' }, startedAt: '2026-11-20T10:00:00.000Z', outcome: 'passed', failedSteps: [], skippedSteps: [], improvised: [], journal: '/e/runs/r.jsonl', problems: [], integrity: { status: 'valid', sealed: true, tornLines: [] }, ...p };
}

/** A game-day of three drill runs: one clean pass, one pass with improvisation, one failure. */
const GAMEDAY = [
  rec({ runId: 'a', startedAt: '2026-11-20T09:00:00.000Z', reason: 'acceptance met by following the runbook', timeToRecover: { totalMs: 252_000, detectionMs: 4_000, humanMs: 120_000, agentMs: 38_000, verifyMs: 90_000 } }),
  rec({ runId: 'b', startedAt: '2026-11-20T10:00:00.000Z', reason: 'acceptance met by following the runbook', timeToRecover: { totalMs: 126_000, detectionMs: 3_000, humanMs: 40_000, agentMs: 20_000, verifyMs: 63_000 } }),
  rec({ runId: 'c', drill: 'longhorn-corruption', title: 'Longhorn volume corruption', changeClass: 'storage', runbook: { file: 'CLUSTER_RECOVERY.md', section: 'longhorn-restore', digest: 'd' }, startedAt: '2026-11-20T11:00:00.000Z', outcome: 'passed-with-improvisation', reason: 'acceptance met, but the runbook is not current: longhorn-restore/2 failed; improvised "scaled traefik down by hand"', failedSteps: ['longhorn-restore/2'], improvised: ['scaled traefik down by hand'], timeToRecover: { totalMs: 605_000, detectionMs: 2_000, humanMs: 300_000, agentMs: 180_000, verifyMs: 120_000 } }),
  rec({ runId: 'd', drill: 'power-cut', title: 'Full power cut', changeClass: 'infra', runbook: { file: 'CLUSTER_RECOVERY.md', section: 'full-power-cut-recovery', digest: 'd' }, startedAt: '2026-11-20T13:00:00.000Z', outcome: 'failed', reason: 'acceptance not met: deployment.ready erp: erp/erp 0/1 ready, crash-looping: erp-7d9f', skippedSteps: ['full-power-cut-recovery/2'], autopilot: true }),
];

const VAULT_STEPS = ['Confirm on the dashboard that Vault is sealed (component `vault`: sealed).', 'Unseal Vault with the sandbox key.', 'Make VSO re-authenticate now instead of after its back-off.', 'Wait for the ERP to roll out with its fresh credentials.'];
const vaultSeal = (runId: string, start: string, ms: [number, number][], detectMs: number, acceptMs: number, ttr: TimeToRecover | undefined): DrillJournalSpec => ({
  runId,
  drill: 'vault-seal',
  title: 'Vault seal',
  section: 'vault-unseal-vso-re-auth',
  start,
  faultMs: 10_000,
  fault: { kind: 'vault-seal' },
  detectMs,
  probe: 'vault.unsealed',
  health: [{ atMs: 12_000, subject: 'vault', from: 'unsealed', to: 'sealed' }],
  steps: VAULT_STEPS.map((title, i) => ({ title, kind: i === 0 ? 'HUMAN' : 'AGENT', atMs: ms[i]![0], ms: ms[i]![1], status: 'done' })),
  acceptMs,
  end: { atMs: acceptMs + 1_000, outcome: 'passed', reason: 'acceptance met by following the runbook', ...(ttr ? { ttr } : {}) },
});

/** The journals of the game-day's runs, as the report's charts read them. */
const JOURNALS: Record<string, JournalRecord[]> = {
  a: drillJournal(vaultSeal('a', '2026-11-20T09:00:00.000Z', [[15_000, 120_000], [135_000, 20_000], [155_000, 18_000], [173_000, 90_000]], 4_000, 262_000, GAMEDAY[0]!.timeToRecover)),
  b: drillJournal(vaultSeal('b', '2026-11-20T10:00:00.000Z', [[14_000, 40_000], [54_000, 10_000], [64_000, 10_000], [74_000, 63_000]], 3_000, 136_000, GAMEDAY[1]!.timeToRecover)),
  c: drillJournal({
    runId: 'c',
    drill: 'longhorn-corruption',
    title: 'Longhorn volume corruption',
    section: 'longhorn-restore',
    start: '2026-11-20T11:00:00.000Z',
    faultMs: 10_000,
    fault: { kind: 'volume-corrupt', target: 'pvc-erp-data' },
    detectMs: 2_000,
    probe: 'volume.healthy pvc-erp-data',
    steps: [
      { title: 'Scale the ERP down: its volume cannot be attached in maintenance mode while mounted.', kind: 'AGENT', atMs: 15_000, ms: 30_000, status: 'done' },
      { title: "Inject the ERP volume's data from its orphaned replica directory.", kind: 'AGENT', atMs: 45_000, ms: 150_000, status: 'failed', reason: 'exit 2' },
      { title: 'Scale the ERP up again.', kind: 'AGENT', atMs: 210_000, ms: 300_000, status: 'done' },
      { title: "Only now, delete the volume's orphaned replica directories.", kind: 'AGENT', atMs: 510_000, ms: 100_000, status: 'done' },
    ],
    improvised: [{ atMs: 200_000, step: 2, text: 'scaled traefik down by hand', command: 'kubectl -n kube-system scale deploy/traefik --replicas=0', status: 'ok' }],
    acceptMs: 615_000,
    end: { atMs: 616_000, outcome: 'passed-with-improvisation', reason: GAMEDAY[2]!.reason!, ttr: GAMEDAY[2]!.timeToRecover },
  }),
  d: drillJournal({
    runId: 'd',
    drill: 'power-cut',
    title: 'Full power cut',
    section: 'full-power-cut-recovery',
    start: '2026-11-20T13:00:00.000Z',
    faultMs: 10_000,
    fault: { kind: 'power-cut' },
    detectMs: 5_000,
    probe: 'deployment.ready erp',
    steps: [
      { title: 'Power the three nodes back on and wait until they are Ready.', kind: 'HUMAN', atMs: 20_000, ms: 300_000, status: 'done' },
      { title: 'Scale the ERP and Traefik down so their volumes can be injected.', kind: 'AGENT', ms: 0, status: 'skipped', reason: 'skipped by the operator' },
      { title: "Longhorn first: inject the ERP volume's data (block-device injection, never a rename).", kind: 'AGENT', atMs: 330_000, ms: 600_000, status: 'failed', reason: 'timed out' },
      // Not reached: the time limit ended the drill first.
      { title: "Inject Traefik's `acme.json` volume.", kind: 'AGENT', ms: 0 },
    ],
    end: { atMs: 1_810_000, outcome: 'failed', reason: GAMEDAY[3]!.reason!, cleanup: [{ kind: 'power-restore', ok: true }] },
  }),
};
const TIMELINES = new Map<string, Timeline>(Object.entries(JOURNALS).map(([run, records]) => [run, buildTimeline(records)!]));

/** Where each step of a journal starts and how long it took, straight from its records (no timeline code). */
function stepsFromJournal(records: JournalRecord[]): { name: string; start: string; durationMs: number }[] {
  const started = records.find((r) => r.type === 'run-started');
  assert.ok(started?.type === 'run-started');
  let previousEnd = (records.find((r) => r.type === 'symptom-detected') ?? records.find((r) => r.type === 'fault-injected'))!.at;
  return started.steps.map((s, i) => {
    const first = records.find((r) => r.type === 'step-started' && r.step === s.id);
    const last = records.findLast((r) => r.type === 'step-finished' && r.step === s.id);
    const start = first && last ? first.at : previousEnd;
    const durationMs = first && last ? Date.parse(last.at) - Date.parse(first.at) : 0;
    previousEnd = new Date(Date.parse(start) + durationMs).toISOString();
    return { name: `${i + 1} ${s.title}`, start, durationMs };
  });
}

describe('game-day report (golden)', () => {
  for (const lang of ['en', 'fr'] as const) {
    it(`renders the ${lang} report exactly`, () => {
      const md = renderReport(GAMEDAY, { lang, scope: 'gd-2026-11-20-090000', generatedAt: '2026-11-20 18:00 UTC', timelines: TIMELINES });
      const file = path.join(GOLDEN, `report.${lang}.md`);
      if (process.env.UPDATE_GOLDEN) fs.writeFileSync(file, md);
      assert.equal(md, fs.readFileSync(file, 'utf8'));
    });
  }

  for (const lang of ['en', 'fr'] as const) {
    it(`charts every step of every run as a gantt task with its start and duration (${lang})`, () => {
      const md = renderReport(GAMEDAY, { lang, scope: 'gd', generatedAt: 'x', timelines: TIMELINES });
      const gantts = parseGantts(md);
      // Runs are reported oldest first, each with its chart.
      assert.equal(gantts.length, 4);
      gantts.forEach((g, i) => {
        const run = ['a', 'b', 'c', 'd'][i]!;
        assert.equal(g.init, "%%{init: {'theme':'base'}}%%");
        assert.equal(g.dateFormat, 'YYYY-MM-DDTHH:mm:ss.SSSZ');
        assert.deepEqual(g.sections.map((s) => s.name), lang === 'en' ? ['Fault and detection', 'Runbook steps', 'Acceptance and cleanup'] : ['Panne et détection', 'Étapes du runbook', 'Acceptation et nettoyage']);
        const steps = g.sections[1]!.tasks.filter((t) => /^step\d+$/.test(t.id));
        assert.deepEqual(steps.map(({ name, start, durationMs }) => ({ name, start, durationMs })), stepsFromJournal(JOURNALS[run]!), `run ${run}`);
        const fault = g.sections[0]!.tasks.find((t) => t.id === 'fault');
        assert.equal(fault?.start, JOURNALS[run]!.find((r) => r.type === 'fault-injected')!.at);
      });
      // What went wrong stands out: the failed steps are critical, the skipped and unreached ones plain.
      assert.deepEqual(gantts[3]!.sections[1]!.tasks.map((t) => t.tags), [['done'], [], ['crit'], []]);
      assert.deepEqual(gantts[2]!.sections[1]!.tasks.filter((t) => t.id.startsWith('improvised')).map((t) => t.name), [lang === 'en' ? 'Improvised scaled traefik down by hand' : 'Improvisé scaled traefik down by hand']);
    });
  }

  it("flags a run whose journal does not verify, and a simulated one, where the run is reported", () => {
    const md = renderReport([rec({ runId: 'x', integrity: { status: 'invalid', line: 7, reason: 'the chain breaks here' } }), rec({ runId: 'y', startedAt: '2026-11-21T10:00:00.000Z', simulated: true, autopilot: true })], { lang: 'en', scope: 'gd', generatedAt: 'x' });
    assert.match(md, /- Outcome: \*\*passed\*\*\n- Journal: \*\*INVALID at line 7: the chain breaks here\*\*: this run is not evidence\n/);
    assert.match(md, /- Outcome: \*\*passed\*\* \(autopilot\) \(simulated: lab-sim\)\n/);
    const fr = renderReport([rec({ integrity: { status: 'unverifiable', reason: 'written before hashing' } })], { lang: 'fr', scope: 'gd', generatedAt: 'x' });
    assert.match(fr, /- Journal : \*\*unverifiable \(written before hashing\)\*\* : cette exécution ne fait pas preuve/);
  });

  it('says so when nothing ran', () => {
    assert.match(renderReport([], { lang: 'en', scope: 'since 2026-12-01', generatedAt: 'x' }), /No drill run in this scope\./);
    assert.match(renderReport([], { lang: 'fr', scope: 'depuis le 2026-12-01', generatedAt: 'x' }), /Aucun exercice dans ce périmètre\./);
  });
});
