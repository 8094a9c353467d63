import type { IncomingMessage, ServerResponse } from 'node:http';
import { groupVersion, resourceKey } from './resources.ts';
import type { Selector } from './selectors.ts';
import { expired } from './status.ts';
import type { Collection, StoredEntry, StoreEvent, WatchSink } from './store.ts';
import { tableRow, type IncludeObject } from './table.ts';
import { printerFor } from './printers.ts';

export interface WatchRequest {
  collection: Collection;
  namespace?: string;
  matches: Selector;
  /** undefined or 0: start with synthetic ADDED events for the current state (like the apiserver). */
  fromRv: number | undefined;
  table: IncludeObject | null;
  bookmarks: boolean;
  timeoutMs?: number;
  now: () => number;
  currentRv: () => number;
}

const BOOKMARK_INTERVAL_MS = 10_000;

/**
 * One watch connection: newline-delimited JSON events on a chunked response, each written to the
 * socket as soon as the store commits (no batching: watch latency is part of the benchmark).
 */
export function serveWatch(req: IncomingMessage, res: ServerResponse, w: WatchRequest): void {
  const key = resourceKey(w.collection.def);
  let columnsSent = false;
  res.socket?.setNoDelay(true);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();

  const tooOld = w.fromRv !== undefined && w.fromRv > 0 && w.fromRv < w.collection.compactedRv;
  if (tooOld) {
    res.end(JSON.stringify({ type: 'ERROR', object: expired(w.fromRv as number, w.collection.compactedRv) }) + '\n');
    return;
  }

  const inScope = (entry: StoredEntry | undefined): boolean =>
    !!entry && (w.namespace === undefined || entry.obj.metadata.namespace === w.namespace) && w.matches(entry.obj);

  const line = (type: string, entry: StoredEntry): string => {
    if (w.table === null) return `{"type":"${type}","object":${entry.json}}\n`;
    const table = {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: entry.obj.metadata.resourceVersion },
      columnDefinitions: columnsSent ? [] : printerFor(key).columns.map((c) => ({ format: '', description: '', priority: 0, ...c })),
      rows: [tableRow(key, entry.obj, w.now(), w.table)],
    };
    columnsSent = true;
    return JSON.stringify({ type, object: table }) + '\n';
  };

  const send = (event: StoreEvent): void => {
    const now = inScope(event.entry);
    if (event.type === 'DELETED') {
      if (now) res.write(line('DELETED', event.entry));
      return;
    }
    const before = event.type === 'MODIFIED' && inScope(event.previous);
    if (now && before) res.write(line('MODIFIED', event.entry));
    else if (now) res.write(line('ADDED', event.entry));
    else if (before) res.write(line('DELETED', event.entry));
  };

  if (!w.fromRv) {
    const current = [...w.collection.entries(w.namespace)].filter(inScope);
    current.sort((a, b) => Number(a.obj.metadata.resourceVersion) - Number(b.obj.metadata.resourceVersion));
    for (const entry of current) res.write(line('ADDED', entry));
  } else {
    for (const event of w.collection.eventsSince(w.fromRv)) send(event);
  }

  const sink: WatchSink = { deliver: send };
  w.collection.watchers.add(sink);

  const timers: NodeJS.Timeout[] = [];
  if (w.bookmarks) {
    const bookmark = setInterval(() => {
      const def = w.collection.def;
      const obj = { kind: def.kind, apiVersion: groupVersion(def), metadata: { resourceVersion: String(w.currentRv()) } };
      res.write(`{"type":"BOOKMARK","object":${JSON.stringify(obj)}}\n`);
    }, BOOKMARK_INTERVAL_MS);
    bookmark.unref();
    timers.push(bookmark);
  }
  if (w.timeoutMs !== undefined) {
    const timeout = setTimeout(() => res.end(), w.timeoutMs);
    timeout.unref();
    timers.push(timeout);
  }
  const cleanup = (): void => {
    w.collection.watchers.delete(sink);
    for (const t of timers) clearTimeout(t);
  };
  req.on('close', cleanup);
  res.on('close', cleanup);
}
