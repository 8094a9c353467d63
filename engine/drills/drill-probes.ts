import { evaluateProbe, type ProbeContext } from '../runbook/evaluate-probe.ts';
import type { ProbeOutcome } from '../runbook/run-types.ts';
import type { ProbeSpec } from '../runbook/types.ts';
import type { DrillDeps } from './drill-deps.ts';

/** How long the sources are given to answer before a drill judges the sandbox on what they said. */
const SETTLE_MS = 10_000;

/** Each probe's outcome as journaled; `unconfirmed` is set when one of them saw nothing. */
export async function check(probes: ProbeSpec[], ctx: ProbeContext, seen: { unconfirmed?: boolean } = {}): Promise<ProbeOutcome[]> {
  const out: ProbeOutcome[] = [];
  for (const p of probes) {
    const { ok, detail, unconfirmed } = await evaluateProbe(p, ctx);
    if (unconfirmed) seen.unconfirmed = true;
    out.push({ probe: p.probe + (Object.keys(p.params).length ? ` ${Object.values(p.params).join(' ')}` : ''), ok, detail });
  }
  return out;
}

/**
 * The probes' outcomes once their sources answer. A probe whose source is not live has seen
 * nothing (one health read that timed out marks a source down): it is read again until the source
 * answers, for as long as the sources are given to settle; `unconfirmed` says it never did.
 */
export async function observe(probes: ProbeSpec[], ctx: ProbeContext): Promise<{ outcomes: ProbeOutcome[]; unconfirmed: boolean }> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const seen: { unconfirmed?: boolean } = {};
    const outcomes = await check(probes, ctx, seen);
    if (!seen.unconfirmed || Date.now() >= deadline) return { outcomes, unconfirmed: !!seen.unconfirmed };
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The steady state before the fault: what a source that never answered shows counts against the sandbox. */
export async function steadyState(probes: ProbeSpec[], ctx: ProbeContext): Promise<ProbeOutcome[]> {
  return (await observe(probes, ctx)).outcomes;
}

export function probeContext(deps: DrillDeps): ProbeContext {
  const e = deps.engine;
  return {
    snapshot: e.snapshot,
    stepStartedAt: new Date(0),
    sql: async (database, query) => {
      const pg = e.postgres();
      if (!pg) throw new Error('no PostgreSQL configured');
      return pg.query(query, [], { database });
    },
    sh: async () => {
      throw new Error('sh probes are not evaluated by drills');
    },
  };
}

export async function settled(deps: DrillDeps): Promise<void> {
  const deadline = Date.now() + SETTLE_MS;
  while (Date.now() < deadline && deps.engine.snapshot().sources.some((s) => s.status === 'connecting')) await new Promise((r) => setTimeout(r, 50));
}
