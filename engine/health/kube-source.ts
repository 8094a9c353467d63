import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeAdapter } from '../adapters/kube.ts';
import { backoffDelay } from './backoff.ts';
import { WATCHED, type WatchKey } from './kube-watches.ts';
import type { SourceState } from './types.ts';

type Informer = ReturnType<KubeAdapter['informer']>;

export interface KubeSourceDeps {
  connect(reconnect: boolean): Promise<KubeAdapter>;
  onChange(): void;
  onState(state: Omit<SourceState, 'id'>): void;
  /** A refusal from the guard stops the source for good. */
  isFatal(e: unknown): boolean;
  onFatal(e: unknown): void;
  now(): Date;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String((e as { message?: unknown })?.message ?? e));

/**
 * Owns the informers. client-node 1.x informers stop on a non-410 error, so this
 * restarts them itself with capped backoff, re-verifying the sandbox marker first;
 * the caches survive an outage, so the last known state stays visible (marked stale).
 */
export class KubeSource {
  private informers = new Map<WatchKey, Informer>();
  private synced = new Set<WatchKey>();
  private attempt = 0;
  private timer?: NodeJS.Timeout;
  private restartPending = false;
  private stopped = false;
  private live = false;
  private everSynced = false;

  constructor(private readonly deps: KubeSourceDeps) {}

  list<T extends KubernetesObject>(key: WatchKey): T[] {
    return (this.informers.get(key)?.list() ?? []) as T[];
  }

  /** True once every cache was filled at least once; stays true through outages. */
  hasData(): boolean {
    return this.everSynced;
  }

  start(): void {
    void this.connect(false);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.stopInformers();
  }

  private stopInformers(): Promise<unknown> {
    return Promise.all([...this.informers.values()].map((i) => i.stop().catch(() => {})));
  }

  private async connect(reconnect: boolean): Promise<void> {
    this.restartPending = false;
    let kube: KubeAdapter;
    try {
      kube = await this.deps.connect(reconnect);
    } catch (e) {
      return this.failed(e);
    }
    if (this.stopped) return;
    if (this.informers.size === 0) this.createInformers(kube);
    this.synced.clear();
    for (const informer of this.informers.values()) informer.start().catch((e: unknown) => this.failed(e));
  }

  private createInformers(kube: KubeAdapter): void {
    for (const w of WATCHED) {
      // Wrapping list() tells us when the cache has been (re)filled: the source is live again.
      const informer = kube.informer(w.path, async () => {
        const list = await w.list(kube);
        this.markSynced(w.key);
        return list;
      });
      const changed = () => this.deps.onChange();
      informer.on('add', changed);
      informer.on('update', changed);
      informer.on('delete', changed);
      informer.on('error', (e: unknown) => this.failed(e));
      this.informers.set(w.key, informer);
    }
  }

  private markSynced(key: WatchKey): void {
    this.synced.add(key);
    if (this.synced.size === WATCHED.length && !this.live) {
      this.live = true;
      this.everSynced = true;
      this.attempt = 0;
      const at = this.deps.now().toISOString();
      this.deps.onState({ status: 'live', since: at, lastOk: at });
    }
    this.deps.onChange();
  }

  /** One failure takes the whole source down: every watch stops, and they restart together. */
  private failed(e: unknown): void {
    if (this.stopped || this.restartPending) return;
    if (this.deps.isFatal(e)) {
      this.stopped = true;
      void this.stopInformers();
      return this.deps.onFatal(e);
    }
    this.restartPending = true;
    void this.stopInformers();
    if (this.live || this.attempt === 0) {
      this.live = false;
      this.deps.onState({ status: this.everSynced ? 'stale' : 'down', since: this.deps.now().toISOString(), error: messageOf(e) });
    }
    this.timer = setTimeout(() => void this.connect(true), backoffDelay(this.attempt++));
    this.timer.unref?.();
  }
}
