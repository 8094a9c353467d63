import type { JournalRecord, TimeToRecover } from '../runbook/run-types.ts';

const at = (r: JournalRecord | undefined) => (r ? Date.parse(r.at) : undefined);

/** Fault to acceptance, split from the journal: detection, [HUMAN] steps, [AGENT] steps, verification. */
export function timeToRecover(records: JournalRecord[]): TimeToRecover | undefined {
  const fault = at(records.find((r) => r.type === 'fault-injected'));
  const accepted = at(records.find((r) => r.type === 'acceptance-met'));
  if (fault === undefined || accepted === undefined) return undefined;
  const symptom = at(records.find((r) => r.type === 'symptom-detected'));
  const kinds = new Map<string, 'AGENT' | 'HUMAN'>();
  for (const r of records) if (r.type === 'step-started') kinds.set(r.step, r.kind);
  const verifyOf = (step: string) => records.reduce((sum, r) => sum + (r.type === 'verified' && r.step === step ? r.durationMs : 0), 0);
  let humanMs = 0;
  let agentMs = 0;
  let verifyMs = 0;
  for (const r of records) {
    if (r.type !== 'step-finished') continue;
    const verify = Math.min(r.durationMs, verifyOf(r.step));
    verifyMs += verify;
    if (kinds.get(r.step) === 'HUMAN') humanMs += r.durationMs - verify;
    else agentMs += r.durationMs - verify;
  }
  return { totalMs: accepted - fault, ...(symptom !== undefined ? { detectionMs: symptom - fault } : {}), humanMs, agentMs, verifyMs };
}
