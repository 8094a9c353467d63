import type { JournalRecord, TimeToRecover } from '../runbook/run-types.ts';

const at = (r: JournalRecord | undefined) => (r ? Date.parse(r.at) : undefined);

/**
 * Fault to acceptance, split from the journal: detection, [HUMAN] steps, [AGENT] steps,
 * verification. Only time inside that window counts, so the parts never exceed the whole (steps
 * that go on after the acceptance held are the runbook's, not the recovery's).
 */
export function timeToRecover(records: JournalRecord[]): TimeToRecover | undefined {
  const fault = at(records.find((r) => r.type === 'fault-injected'));
  const accepted = at(records.find((r) => r.type === 'acceptance-met'));
  if (fault === undefined || accepted === undefined) return undefined;
  const clip = (from: number, to: number) => Math.max(0, Math.min(to, accepted) - Math.max(from, fault));
  const symptom = at(records.find((r) => r.type === 'symptom-detected'));
  let humanMs = 0;
  let agentMs = 0;
  let verifyMs = 0;
  const open = new Map<string, { start: number; kind: 'AGENT' | 'HUMAN' }>();
  for (const r of records) {
    if (r.type === 'step-started') open.set(r.step, { start: Date.parse(r.at), kind: r.kind });
    if (r.type !== 'step-finished') continue;
    const s = open.get(r.step);
    if (!s) continue;
    open.delete(r.step);
    const end = Date.parse(r.at);
    const verify = records.reduce((sum, v) => (v.type === 'verified' && v.step === r.step && Date.parse(v.at) >= s.start && Date.parse(v.at) <= end ? sum + clip(Date.parse(v.at) - v.durationMs, Date.parse(v.at)) : sum), 0);
    const own = Math.max(0, clip(s.start, end) - verify);
    verifyMs += verify;
    if (s.kind === 'HUMAN') humanMs += own;
    else agentMs += own;
  }
  const downMs = records.reduce((sum, r) => (r.type === 'drill-resumed' ? sum + clip(Date.parse(r.at) - r.gapMs, Date.parse(r.at)) : sum), 0);
  return { totalMs: accepted - fault, ...(downMs ? { downMs } : {}), ...(symptom !== undefined ? { detectionMs: symptom - fault } : {}), humanMs, agentMs, verifyMs };
}
