import type { Snapshot } from '../health/types.ts';
import type { Journal } from '../runbook/journal.ts';

/** One operator-watched fact that changed between two snapshots, as the journal records it. */
export interface HealthTransition {
  /** `node/pi2`, `vault`, `volume/pvc-erp-data`, `app/erp`, `source/kubernetes`. */
  subject: string;
  from: string;
  to: string;
}

/** A listed object (node, volume, application) that is not in the snapshot. */
const ABSENT = 'absent';
/** Vault never answered its seal status (the source is down or connecting). */
const UNKNOWN = 'unknown';

/**
 * The facts an operator watches during a recovery, by subject, in the order the dashboard shows
 * them: sources, nodes, Vault, volumes, applications. Pods, events and components are left out on
 * purpose: they churn, or are derived from these.
 */
function watchedFacts(s: Snapshot): Map<string, string> {
  const facts = new Map<string, string>();
  for (const src of s.sources) facts.set(`source/${src.id}`, src.status);
  for (const n of s.nodes) facts.set(`node/${n.name}`, n.ready);
  facts.set('vault', s.vault ? (s.vault.sealed ? 'sealed' : 'unsealed') : UNKNOWN);
  for (const v of s.volumes) facts.set(`volume/${v.name}`, v.robustness);
  // Sync and health together: a bad sync shows as one change, `Synced/Healthy` → `OutOfSync/Degraded`.
  for (const a of s.apps) facts.set(`app/${a.name}`, `${a.sync}/${a.health}`);
  return facts;
}

/** What changed from `before` to `after`; an object that appeared or went away is `absent` on the other side. */
export function healthTransitions(before: Snapshot, after: Snapshot): HealthTransition[] {
  if (before === after) return [];
  const was = watchedFacts(before);
  const now = watchedFacts(after);
  const out: HealthTransition[] = [];
  for (const [subject, to] of now) {
    const from = was.get(subject) ?? ABSENT;
    if (from !== to) out.push({ subject, from, to });
  }
  for (const [subject, from] of was) if (!now.has(subject)) out.push({ subject, from, to: ABSENT });
  return out;
}

/** Journals each transition since the last call, the first call's baseline being the health at creation. */
export function healthRecorder(snapshot: () => Snapshot, journal: Pick<Journal, 'append'>): () => void {
  let health = snapshot();
  return () => {
    const now = snapshot();
    for (const t of healthTransitions(health, now)) journal.append({ type: 'health-transition', ...t });
    health = now;
  };
}
