import type { RawState } from './build-snapshot.ts';
import type { Probe } from './probes.ts';
import type { SourceState } from './types.ts';

export interface PollDeps {
  intervalMs: number;
  timeoutMs: number;
  now(): Date;
  onData(part: Partial<RawState>): void;
  onState(state: Omit<SourceState, 'id'>): void;
  isFatal(e: unknown): boolean;
  onFatal(e: unknown): void;
}

/** Reads a probe on an interval; a failure keeps the last data and marks the source stale. */
export function startPolling(probe: Probe, deps: PollDeps): { stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let live = false;
  let failing = false;
  let everOk = false;
  const withTimeout = <T>(p: Promise<T>) =>
    Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${deps.timeoutMs} ms`)), deps.timeoutMs).unref())]);
  const tick = async () => {
    try {
      const part = await withTimeout(probe.read(deps.timeoutMs));
      if (stopped) return;
      deps.onData(part);
      const at = deps.now().toISOString();
      if (!live) deps.onState({ status: 'live', since: at, lastOk: at });
      live = true;
      failing = false;
      everOk = true;
    } catch (e) {
      if (stopped) return;
      if (deps.isFatal(e)) {
        stopped = true;
        return deps.onFatal(e);
      }
      if (!failing) deps.onState({ status: everOk ? 'stale' : 'down', since: deps.now().toISOString(), error: (e as Error).message });
      live = false;
      failing = true;
    }
    if (!stopped) timer = setTimeout(tick, deps.intervalMs);
    timer?.unref?.();
  };
  void tick();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
