import type { CoreV1Event } from '@kubernetes/client-node';
import { deriveClusterEvents } from './derive.ts';
import type { EventRow } from './types.ts';

/**
 * The Events pane: append-only, newest first, in the order lab-tui learned of things.
 * Arrival order, not timestamps, because cluster clocks and this workstation's drift
 * apart (a power cut does that) and an observation must never hide behind them.
 */
export class EventLog {
  private rows: EventRow[] = [];
  private readonly seen = new Map<string, string>();

  constructor(private readonly limit = 200) {}

  /** Appends cluster events not seen before (or changed since), oldest first among themselves. */
  addCluster(events: CoreV1Event[]): void {
    const fresh = events.filter((e) => {
      const id = e.metadata?.uid ?? `${e.metadata?.namespace}/${e.metadata?.name}`;
      const version = e.metadata?.resourceVersion ?? String(e.count ?? '');
      if (this.seen.get(id) === version) return false;
      this.seen.set(id, version);
      return true;
    });
    if (fresh.length) this.add(deriveClusterEvents(fresh, this.limit));
  }

  /** `rows` newest first. */
  add(rows: EventRow[]): void {
    this.rows = [...rows, ...this.rows].slice(0, this.limit);
    if (this.seen.size > this.limit * 20) this.seen.clear();
  }

  list(): EventRow[] {
    return this.rows;
  }
}
