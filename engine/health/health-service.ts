import type { KubeAdapter } from '../adapters/kube.ts';
import { createStore, type Store } from '../common/store.ts';
import { buildSnapshot, type RawState } from './build-snapshot.ts';
import { KubeSource } from './kube-source.ts';
import type { WatchKey } from './kube-watches.ts';
import { EventLog } from './event-log.ts';
import { observe } from './observations.ts';
import { startPolling } from './poll-source.ts';
import type { Probe } from './probes.ts';
import type { ComponentRow, SandboxView, Snapshot, SourceId, SourceState } from './types.ts';

/**
 * Watches whose changes are published at once: what an operator watches for during a drill.
 * The rest (pods, events, deployments' counters, replicas, VSO renewals) moves by the hundred
 * per second in a busy lab and is coalesced; rendering each of those would delay the next node
 * change behind a frame nobody waits for.
 */
const URGENT = new Set<WatchKey>(['nodes', 'volumes', 'orphans', 'apps']);

export interface HealthDeps {
  sandbox: SandboxView;
  connectKube(reconnect: boolean): Promise<KubeAdapter>;
  probes: Probe[];
  expectedKubelet?: string;
  isFatal(e: unknown): boolean;
  onFatal(e: unknown): void;
  now?: () => Date;
  pollMs?: number;
  probeTimeoutMs?: number;
  /** Minimum time between two snapshots: bursts of watch events coalesce into one frame. */
  frameMs?: number;
}

export interface HealthService {
  readonly snapshots: Store<Snapshot>;
  stop(): Promise<void>;
}

/**
 * The one data layer: owns every source, keeps raw state, and publishes one immutable
 * snapshot per frame, so screens never fetch and a burst of events is one frame.
 */
export function startHealth(deps: HealthDeps): HealthService {
  const now = deps.now ?? (() => new Date());
  const frameMs = deps.frameMs ?? 100;
  const raw: RawState = {};
  const sources = new Map<SourceId, SourceState>();
  const since = new Map<string, { status: ComponentRow['status']; since: string }>();
  const eventLog = new EventLog();
  const initial = now().toISOString();
  sources.set('kubernetes', { id: 'kubernetes', status: 'connecting', since: initial });
  for (const p of deps.probes) sources.set(p.id, { id: p.id, status: 'connecting', since: initial });

  const kube = new KubeSource({
    connect: (reconnect) => deps.connectKube(reconnect),
    onChange: (key) => changed(!key || URGENT.has(key)),
    onState: (s) => setState('kubernetes', s),
    isFatal: deps.isFatal,
    onFatal: (e) => {
      setState('kubernetes', { status: 'refused', since: now().toISOString(), error: (e as Error).message });
      deps.onFatal(e);
    },
    now,
  });
  const kubeRaw = (): RawState['kube'] => ({
    nodes: kube.list('nodes'),
    pods: kube.list('pods'),
    events: kube.list('events'),
    deployments: kube.list('deployments'),
    volumes: kube.list('volumes'),
    replicas: kube.list('replicas'),
    orphans: kube.list('orphans'),
    apps: kube.list('apps'),
    vaultSecrets: [...kube.list('dynamicSecrets').map((o) => ({ ...o, kind: 'VaultDynamicSecret' })), ...kube.list('staticSecrets').map((o) => ({ ...o, kind: 'VaultStaticSecret' }))],
  });
  const build = (): Snapshot => {
    const kubeNow = kube.hasData() ? kubeRaw() : undefined;
    if (kubeNow) eventLog.addCluster(kubeNow.events);
    const snap = buildSnapshot({ ...raw, kube: kubeNow }, { sandbox: deps.sandbox, sources: [...sources.values()], expectedKubelet: deps.expectedKubelet, events: eventLog.list(), now: now(), listing: kube.listing(), forbidden: kube.forbidden() });
    const components = snap.components.map((c) => {
      const prev = since.get(c.id);
      const entry = prev && prev.status === c.status ? prev : { status: c.status, since: snap.takenAt };
      since.set(c.id, entry);
      return { ...c, since: entry.since };
    });
    return { ...snap, components };
  };
  const snapshots = createStore<Snapshot>(build());

  let pending: NodeJS.Timeout | undefined;
  const publish = () => {
    pending = undefined;
    const next = build();
    const seen = observe(snapshots.get(), next);
    if (seen.length) {
      eventLog.add(seen);
      next.events = eventLog.list();
    }
    snapshots.set(next);
  };
  // Churn is coalesced into one frame frameMs after its first change: trailing, so the first
  // churn event of a burst never draws a frame just ahead of the node change behind it. A change
  // the operator watches for (a node, a volume, an app, a source) is published as soon as the
  // current I/O burst has been read (setImmediate): a chunk of watch events is still one frame.
  let urgentPending = false;
  const changed = (urgent = true) => {
    if (urgent && !urgentPending) {
      urgentPending = true;
      setImmediate(() => {
        urgentPending = false;
        clearTimeout(pending);
        publish();
      });
    }
    if (urgent || pending) return;
    pending = setTimeout(publish, frameMs);
  };
  const setState = (id: SourceId, s: Omit<SourceState, 'id'>) => {
    sources.set(id, { id, ...s });
    changed();
  };

  kube.start();

  const lastPolled = new Map<SourceId, string>();
  const pollers = deps.probes.map((probe) =>
    startPolling(probe, {
      intervalMs: deps.pollMs ?? 3000,
      timeoutMs: deps.probeTimeoutMs ?? 1500,
      now,
      onData: (part) => {
        // Polls mostly return what they returned last time: no new frame for that. Latency
        // always differs a little, so it is refreshed with the next real change only.
        const key = JSON.stringify(part, (k, v) => (k === 'latencyMs' ? undefined : v));
        Object.assign(raw, part);
        if (lastPolled.get(probe.id) === key) return;
        lastPolled.set(probe.id, key);
        changed();
      },
      onState: (s) => setState(probe.id, s),
      isFatal: deps.isFatal,
      onFatal: (e) => {
        setState(probe.id, { status: 'refused', since: now().toISOString(), error: (e as Error).message });
        deps.onFatal(e);
      },
    }),
  );

  return {
    snapshots,
    async stop() {
      clearTimeout(pending);
      for (const p of pollers) p.stop();
      await kube.stop();
    },
  };
}
