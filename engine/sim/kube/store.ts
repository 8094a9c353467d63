import { isoTime, type KubeObject } from './kube-object.ts';
import { groupVersion, isBuiltIn, resourceKey, type ResourceDef } from './resources.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredEntry {
  readonly obj: KubeObject;
  /** Serialised once per write: lists and watch streams only concatenate strings. */
  readonly json: string;
}

export interface StoreEvent {
  readonly type: WatchEventType;
  readonly rv: number;
  readonly entry: StoredEntry;
  /** Previous state for MODIFIED, so filtered watches can turn it into ADDED/DELETED. */
  readonly previous?: StoredEntry;
}

export interface WatchSink {
  deliver(event: StoreEvent): void;
}

export class Collection {
  readonly byNamespace = new Map<string, Map<string, StoredEntry>>();
  readonly watchers = new Set<WatchSink>();
  private history: StoreEvent[] = [];
  private historyStart = 0;
  /** Highest resourceVersion dropped from the history: watching from below it answers 410. */
  compactedRv = 0;
  private bodyCache = new Map<string, Buffer>();
  /** Keys in etcd order, per namespace (`*`: all); only an addition or a deletion changes them. */
  private keyCache = new Map<string, { key: string; namespace: string; name: string }[]>();

  constructor(
    readonly def: ResourceDef,
    private readonly historyLimit: number,
  ) {}

  get size(): number {
    let n = 0;
    for (const m of this.byNamespace.values()) n += m.size;
    return n;
  }

  *entries(namespace?: string): Iterable<StoredEntry> {
    if (namespace !== undefined) {
      const m = this.byNamespace.get(namespace);
      if (m) yield* m.values();
      return;
    }
    for (const m of this.byNamespace.values()) yield* m.values();
  }

  get(namespace: string | undefined, name: string): StoredEntry | undefined {
    return this.byNamespace.get(namespace ?? '')?.get(name);
  }

  /**
   * An entry as a list item: the API server leaves apiVersion and kind out of the items of a
   * built-in kind's list (they are the list's; kubernetes/kubernetes#3030), a custom resource's
   * items keep them. Watch events and single reads carry them either way.
   */
  itemJson(entry: StoredEntry): string {
    if (!isBuiltIn(this.def)) return entry.json;
    const typeMeta = `{"apiVersion":"${groupVersion(this.def)}","kind":"${this.def.kind}",`;
    if (entry.json.startsWith(typeMeta)) return `{${entry.json.slice(typeMeta.length)}`;
    const { apiVersion: _apiVersion, kind: _kind, ...rest } = entry.obj;
    return JSON.stringify(rest);
  }

  eventsSince(rv: number): StoreEvent[] {
    const out: StoreEvent[] = [];
    for (let i = this.historyStart; i < this.history.length; i++) {
      const e = this.history[i] as StoreEvent;
      if (e.rv > rv) out.push(e);
    }
    return out;
  }


  /**
   * A complete, encoded List response for this collection (or one namespace), cached until the
   * next write here. Its resourceVersion is the one at build time: the list is exactly the state
   * of this collection at that version, so watching from it misses nothing.
   */
  listBody(namespace: string | undefined, currentRv: number): Buffer {
    const cacheKey = namespace ?? '*';
    let body = this.bodyCache.get(cacheKey);
    if (!body) {
      const { kind, group, version } = this.def;
      const apiVersion = group ? `${group}/${version}` : version;
      // Sorted like etcd keys; items are pre-serialised, so this is one join per write.
      const items = [...this.entries(namespace)].sort((a, b) => compareKeys(a.obj, b.obj)).map((e) => this.itemJson(e));
      body = Buffer.from(`{"kind":"${kind}List","apiVersion":"${apiVersion}","metadata":{"resourceVersion":"${currentRv}"},"items":[${items.join(',')}]}`);
      this.bodyCache.set(cacheKey, body);
    }
    return body;
  }

  /**
   * The collection's keys (`namespace/name`) in etcd order: paged lists walk them from the
   * continue token on, as the API server walks etcd's key range, instead of sorting every page.
   */
  sortedKeys(namespace: string | undefined): readonly { key: string; namespace: string; name: string }[] {
    const cacheKey = namespace ?? '*';
    let keys = this.keyCache.get(cacheKey);
    if (!keys) {
      keys = [...this.entries(namespace)].map((e) => ({ key: `${e.obj.metadata.namespace ?? ''}/${e.obj.metadata.name}`, namespace: e.obj.metadata.namespace ?? '', name: e.obj.metadata.name }));
      keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      this.keyCache.set(cacheKey, keys);
    }
    return keys;
  }

  record(event: StoreEvent, namespace: string, name: string): void {
    const m = this.byNamespace.get(namespace) ?? new Map<string, StoredEntry>();
    this.byNamespace.set(namespace, m);
    if (event.type === 'DELETED') {
      m.delete(name);
      if (m.size === 0) this.byNamespace.delete(namespace);
    } else {
      m.set(name, event.entry);
    }
    this.bodyCache.clear();
    if (event.type !== 'MODIFIED') this.keyCache.clear();
    this.history.push(event);
    if (this.history.length - this.historyStart > this.historyLimit) {
      this.compactedRv = (this.history[this.historyStart] as StoreEvent).rv;
      this.historyStart++;
      // Reclaim the array lazily so compaction stays O(1) amortised.
      if (this.historyStart > this.historyLimit) {
        this.history = this.history.slice(this.historyStart);
        this.historyStart = 0;
      }
    }
    for (const w of this.watchers) w.deliver(event);
  }
}

function compareKeys(a: KubeObject, b: KubeObject): number {
  const an = a.metadata.namespace ?? '';
  const bn = b.metadata.namespace ?? '';
  if (an !== bn) return an < bn ? -1 : 1;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

export class StoreConflict extends Error {
  constructor(
    readonly reason: 'AlreadyExists' | 'NotFound' | 'Conflict',
    message: string,
  ) {
    super(message);
  }
}

export type ChangeListener = (def: ResourceDef, event: StoreEvent) => void;

/**
 * The cluster's object store: one global, monotonically increasing resourceVersion (like etcd's
 * revision), a bounded per-resource event history for watch resumption, and change listeners
 * for the in-process controllers.
 */
export class KubeStore {
  private rv = 1;
  private readonly collections = new Map<string, Collection>();
  private readonly listeners: ChangeListener[] = [];

  constructor(
    private readonly opts: { historyLimit: number; now: () => number; uid: () => string },
  ) {}

  get resourceVersion(): number {
    return this.rv;
  }

  collection(def: ResourceDef): Collection {
    const key = resourceKey(def);
    let c = this.collections.get(key);
    if (!c) {
      c = new Collection(def, this.opts.historyLimit);
      this.collections.set(key, c);
    }
    return c;
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  get<T extends KubeObject = KubeObject>(def: ResourceDef, namespace: string | undefined, name: string): T | undefined {
    return this.collection(def).get(def.namespaced ? namespace : undefined, name)?.obj as T | undefined;
  }

  list<T extends KubeObject = KubeObject>(def: ResourceDef, namespace?: string): T[] {
    return [...this.collection(def).entries(namespace)].map((e) => e.obj as T);
  }

  create<T extends KubeObject>(def: ResourceDef, obj: T): T {
    const ns = def.namespaced ? (obj.metadata.namespace ?? 'default') : undefined;
    const c = this.collection(def);
    if (c.get(ns, obj.metadata.name)) {
      throw new StoreConflict('AlreadyExists', `${def.plural} "${obj.metadata.name}" already exists`);
    }
    const draft = structuredClone(obj);
    draft.metadata.namespace = ns;
    if (!ns) delete draft.metadata.namespace;
    draft.metadata.uid ??= this.opts.uid();
    draft.metadata.creationTimestamp ??= isoTime(this.opts.now());
    if (def.hasStatus && draft.spec !== undefined) draft.metadata.generation ??= 1;
    return this.commit(def, 'ADDED', draft, undefined) as T;
  }

  /**
   * Applies `mutate` to a copy of the stored object and commits it only if something changed,
   * so level-triggered controllers can rewrite status freely without flooding watches.
   */
  update<T extends KubeObject>(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    mutate: (draft: T) => void,
  ): T | undefined {
    const c = this.collection(def);
    const ns = def.namespaced ? namespace : undefined;
    const current = c.get(ns, name);
    if (!current) return undefined;
    // A copy of the object as stored on the wire: parsing its JSON is cheaper than a structured
    // clone, and controllers call this for every object on every settle pass.
    const draft = JSON.parse(current.json) as T;
    mutate(draft);
    return this.replaceEntry(def, current, draft);
  }

  /** Full replacement (HTTP PUT): keeps identity fields the client may not change. */
  replace<T extends KubeObject>(def: ResourceDef, obj: T): T {
    const ns = def.namespaced ? obj.metadata.namespace : undefined;
    const current = this.collection(def).get(ns, obj.metadata.name);
    if (!current) throw new StoreConflict('NotFound', `${def.plural} "${obj.metadata.name}" not found`);
    const sent = obj.metadata.resourceVersion;
    if (sent && sent !== current.obj.metadata.resourceVersion) {
      throw new StoreConflict(
        'Conflict',
        `Operation cannot be fulfilled on ${def.plural} "${obj.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    const draft = structuredClone(obj);
    const keep = current.obj.metadata;
    draft.metadata = { ...draft.metadata, uid: keep.uid, creationTimestamp: keep.creationTimestamp, generation: keep.generation };
    if (ns) draft.metadata.namespace = ns;
    if (keep.deletionTimestamp) draft.metadata.deletionTimestamp = keep.deletionTimestamp;
    return this.replaceEntry(def, current, draft);
  }

  remove(def: ResourceDef, namespace: string | undefined, name: string): KubeObject | undefined {
    const ns = def.namespaced ? namespace : undefined;
    const current = this.collection(def).get(ns, name);
    if (!current) return undefined;
    const draft = structuredClone(current.obj);
    return this.commit(def, 'DELETED', draft, current);
  }

  private replaceEntry<T extends KubeObject>(def: ResourceDef, current: StoredEntry, draft: T): T {
    draft.metadata.resourceVersion = current.obj.metadata.resourceVersion;
    draft.metadata.generation = current.obj.metadata.generation;
    if (draft.metadata.generation === undefined) delete draft.metadata.generation;
    // Most writes change nothing (level-triggered controllers rewrite their status every pass):
    // one serialisation answers that before the spec is compared for the generation.
    if (JSON.stringify(draft) === current.json) return current.obj as T;
    if (def.hasStatus && JSON.stringify(draft.spec) !== JSON.stringify(current.obj.spec)) {
      draft.metadata.generation = (current.obj.metadata.generation ?? 1) + 1;
    }
    return this.commit(def, 'MODIFIED', draft, current) as T;
  }

  private commit(def: ResourceDef, type: WatchEventType, draft: KubeObject, previous: StoredEntry | undefined): KubeObject {
    this.rv += 1;
    draft.metadata.resourceVersion = String(this.rv);
    const entry: StoredEntry = { obj: draft, json: JSON.stringify(draft) };
    const event: StoreEvent = { type, rv: this.rv, entry, previous };
    this.collection(def).record(event, draft.metadata.namespace ?? '', draft.metadata.name);
    for (const listener of this.listeners) listener(def, event);
    return draft;
  }
}
