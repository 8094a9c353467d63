import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { listDrillRecords } from '../engine/drills/drill-record.ts';
import { promotionGate } from '../engine/drills/promotion-gate.ts';
import { verifyJournalFile } from '../engine/runbook/journal-chain.ts';
import { openJournal } from '../engine/runbook/journal.ts';
import type { NewRecord } from '../engine/runbook/run-types.ts';
import { summarize } from './stats.ts';

export const name = 'evidence';

/** A year of weekly game-days, eight drills each: what a PR checklist's gate reads. */
const RUNS = 400;
const STEPS = 12;
const TARGETS = { gateOverAllRunsMs: 1500, verifyPerJournalMs: 5 };

/** A sealed drill journal of about the size a real one has: steps, health transitions, output digests. */
function writeRun(dir: string, i: number): string {
  const runId = `2026-11-${String((i % 28) + 1).padStart(2, '0')}T10-00-${String(i).padStart(4, '0')}Z-vault-unseal`;
  const file = path.join(dir, `${runId}.jsonl`);
  const j = openJournal(file);
  const steps = Array.from({ length: STEPS }, (_, s) => ({ id: `vault-unseal/${s + 1}`, kind: s % 2 ? ('AGENT' as const) : ('HUMAN' as const), title: `Step ${s + 1}` }));
  const records: NewRecord[] = [
    { type: 'run-started', runId, runbook: '/runbooks/CLUSTER_RECOVERY.md', digest: 'd', section: 'vault-unseal', sectionDigest: 'a'.repeat(64), sectionTitle: 'Vault unseal', steps, mode: { paranoid: false }, sandbox: 'sandbox', operator: 'ops' },
    { type: 'drill-started', drill: 'vault-seal', title: 'Vault seal', changeClass: 'vault', autopilot: false, simulated: false, timeLimitMs: 1_800_000, versions: { vault: '1.17.2' } },
    { type: 'fault-injected', kind: 'vault-seal', detail: 'Vault sys/seal' },
    { type: 'symptom-detected', probe: 'vault.unsealed', detail: 'Vault is sealed' },
  ];
  for (const s of steps) {
    records.push({ type: 'step-started', step: s.id, kind: s.kind, title: s.title });
    records.push({ type: 'output', step: s.id, stream: 'stdout', text: 'ok\n'.repeat(20), bytes: 60, sha256: 'b'.repeat(64) });
    records.push({ type: 'health-transition', subject: 'vault', from: 'sealed', to: 'unsealed' });
    records.push({ type: 'step-finished', step: s.id, status: 'done', durationMs: 1000 });
  }
  records.push({ type: 'run-finished', status: 'passed', durationMs: 12_000 }, { type: 'acceptance-met', probes: [] }, { type: 'drill-finished', outcome: 'passed', reason: 'acceptance met by following the runbook', failedSteps: [], skippedSteps: [], improvised: [] });
  for (const r of records) j.append(r);
  j.seal();
  j.close();
  return file;
}

/**
 * What the promotion gate costs a PR checklist job: every journal of a year of drills read,
 * verified (hash chain and seal) and judged; and one journal's verification on its own.
 */
export async function run() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-bench-evidence-'));
  try {
    const files = Array.from({ length: RUNS }, (_, i) => writeRun(dir, i));
    const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
    const gate: number[] = [];
    let verdict;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      verdict = promotionGate(listDrillRecords(dir).records, 'vault', { now: new Date('2026-11-30T12:00:00Z'), currentSection: () => ({ digest: 'a'.repeat(64) }) });
      gate.push(performance.now() - t);
    }
    if (!verdict?.ok || verdict.reliedOn.length !== RUNS) throw new Error(`the gate did not count every run: ${verdict?.reason}`);
    const verify = files.slice(0, 100).map((f) => {
      const t = performance.now();
      if (verifyJournalFile(f).status !== 'valid') throw new Error(`${f} does not verify`);
      return performance.now() - t;
    });
    const g = summarize(gate);
    const v = summarize(verify);
    return { runs: RUNS, recordsPerRun: 5 + STEPS * 4 + 4, journalBytes: bytes, gateOverAllRunsMs: g, verifyPerJournalMs: v, targets: TARGETS, targetsMet: g.median <= TARGETS.gateOverAllRunsMs && v.median <= TARGETS.verifyPerJournalMs };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
