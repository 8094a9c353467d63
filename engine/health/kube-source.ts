import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeAdapter } from '../adapters/kube.ts';
import { describePermission } from '../access/permissions.ts';
import { backoffDelay } from './backoff.ts';
import { WATCHED, type WatchKey } from './kube-watches.ts';
import type { SourceState } from './types.ts';

type Informer = ReturnType<KubeAdapter['informer']>;

export interface KubeSourceDeps {
  connect(reconnect: boolean): Promise<KubeAdapter>;
  /** `key` says which watch changed, so the caller can tell urgent changes from churn. */
  onChange(key?: WatchKey): void;
  onState(state: Omit<SourceState, 'id'>): void;
  /** A refusal from the guard stops the source for good. */
  isFatal(e: unknown): boolean;
  onFatal(e: unknown): void;
  now(): Date;
}

/** client-node rejects with the HTTP code (ApiException.code, or listJson's `code`). */
const isForbidden = (e: unknown) => (e as { code?: unknown; statusCode?: unknown })?.code === 403 || (e as { statusCode?: unknown })?.statusCode === 403;

/** A refused watch is not an outage: its pane says what it needs, and this generation lives on without it. */
class ForbiddenWatch extends Error {}

/** `forbidden: list orphans.longhorn.io (doctor: needs dashboard: list,watch orphans.longhorn.io)` */
function forbiddenMessage(w: (typeof WATCHED)[number]): string {
  const [plural] = w.access.resource.split('/');
  return `forbidden: list ${plural}${w.access.group.includes('.') ? `.${w.access.group}` : ''} (doctor: needs ${w.access.feature}: ${describePermission(w.access)})`;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String((e as { message?: unknown })?.message ?? e));

/** One generation of informers: created per (re)connection, so each starts with a full list. */
class InformerSet {
  readonly informers = new Map<WatchKey, Informer>();
  private readonly synced = new Set<WatchKey>();
  /** Watches refused by the API server (RBAC), with what they need. */
  readonly forbidden = new Map<WatchKey, string>();
  stopped = false;

  constructor(kube: KubeAdapter, onSynced: (set: InformerSet) => void, onChange: (key: WatchKey) => void, onError: (set: InformerSet, e: unknown) => void) {
    for (const w of WATCHED) {
      // Wrapping list() tells us when this cache has been filled.
      const informer = kube.informer(
        w.path,
        async () => {
          let list;
          try {
            list = await w.list(kube);
          } catch (e) {
            if (!isForbidden(e)) throw e;
            // Counted as listed (empty) so the others are shown; the informer stops on this error.
            this.forbidden.set(w.key, forbiddenMessage(w));
            this.synced.add(w.key);
            if (this.core()) onSynced(this);
            throw new ForbiddenWatch(this.forbidden.get(w.key));
          }
          this.synced.add(w.key);
          if (this.core()) onSynced(this);
          return list;
        },
        w.project,
      );
      const changed = () => onChange(w.key);
      informer.on('add', changed);
      informer.on('update', changed);
      informer.on('delete', changed);
      informer.on('error', (e: unknown) => {
        if (e instanceof ForbiddenWatch) return;
        // Listed but not allowed to watch: what was listed stays, the pane says what is missing.
        if (isForbidden(e)) {
          this.forbidden.set(w.key, forbiddenMessage(w));
          return onChange(w.key);
        }
        onError(this, e);
      });
      this.informers.set(w.key, informer);
    }
  }

  complete(): boolean {
    return this.synced.size === WATCHED.length;
  }

  /** Every cache but the bulk ones is filled. */
  core(): boolean {
    return WATCHED.every((w) => w.bulk || this.synced.has(w.key));
  }

  /** The caches still being filled. */
  listing(): WatchKey[] {
    return WATCHED.filter((w) => !this.synced.has(w.key)).map((w) => w.key);
  }

  start(onError: (e: unknown) => void): void {
    for (const informer of this.informers.values()) informer.start().catch((e: unknown) => e instanceof ForbiddenWatch || onError(e));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.informers.values()].map((i) => i.stop().catch(() => {})));
  }
}

/**
 * Owns the informers. client-node 1.x informers stop on a non-410 error, so this
 * restarts them itself with capped backoff, re-verifying the sandbox marker first.
 * While a new generation lists, the previous caches stay on screen (marked stale);
 * they are replaced only once the new generation has listed everything.
 */
export class KubeSource {
  private shown?: InformerSet;
  private current?: InformerSet;
  private attempt = 0;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private live = false;

  constructor(private readonly deps: KubeSourceDeps) {}

  list<T extends KubernetesObject>(key: WatchKey): T[] {
    return (this.shown?.informers.get(key)?.list() ?? []) as T[];
  }

  /** True once the caches are shown (every one filled, or on the first connection all but the bulk ones); stays true through outages. */
  hasData(): boolean {
    return this.shown !== undefined;
  }

  /** The watches the API server refused, each with what it needs (see engine/access/permissions.ts). */
  forbidden(): { watch: WatchKey; message: string }[] {
    return [...(this.shown?.forbidden ?? [])].map(([watch, message]) => ({ watch, message }));
  }

  /** Caches of what is shown that are still being listed (on the first connection: the pods, for a moment). */
  listing(): WatchKey[] {
    return this.shown?.listing() ?? [];
  }

  start(): void {
    void this.connect(false);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.all([this.current?.stop(), this.shown?.stop()]);
  }

  private async connect(reconnect: boolean): Promise<void> {
    let kube: KubeAdapter;
    try {
      kube = await this.deps.connect(reconnect);
    } catch (e) {
      return this.failed(undefined, e);
    }
    if (this.stopped) return;
    const set = new InformerSet(kube, (s) => this.synced(s), this.deps.onChange, (s, e) => this.failed(s, e));
    this.current = set;
    set.start((e) => this.failed(set, e));
  }

  /**
   * A generation is shown once complete; the first one already once all but the bulk lists are
   * in (nothing older to show meanwhile), the bulk ones arriving after. A later generation
   * replaces the stale caches only when complete: complete old data beats partial new data.
   */
  private synced(set: InformerSet): void {
    if (set !== this.current || set.stopped) return;
    if (this.shown === set) return this.deps.onChange();
    if (this.shown && !set.complete()) return;
    void this.shown?.stop();
    this.shown = set;
    this.live = true;
    this.attempt = 0;
    const at = this.deps.now().toISOString();
    this.deps.onState({ status: 'live', since: at, lastOk: at });
    this.deps.onChange();
  }

  /** One failure takes the whole generation down; a new one is started after a backoff. */
  private failed(set: InformerSet | undefined, e: unknown): void {
    // Errors from a generation already given up (including its own aborted requests) are noise.
    if (this.stopped || (set && (set !== this.current || set.stopped))) return;
    if (this.deps.isFatal(e)) {
      void this.stop();
      return this.deps.onFatal(e);
    }
    if (set) void set.stop().then(() => this.shown !== set || this.deps.onChange());
    if (this.live || this.attempt === 0) {
      this.live = false;
      this.deps.onState({ status: this.shown ? 'stale' : 'down', since: this.deps.now().toISOString(), error: messageOf(e) });
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(true), backoffDelay(this.attempt++));
    this.timer.unref?.();
  }
}
