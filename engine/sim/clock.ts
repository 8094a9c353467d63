// Every delay in lab-sim goes through a SimClock so that tests can drive time by hand (manual)
// and demos can run faster than life (real clock scaled by `speed`).

export type TimerId = number;

export interface SimClock {
  readonly mode: 'real' | 'manual';
  now(): number;
  /** Runs `fn` once, `delayMs` of sim time from now. */
  schedule(delayMs: number, fn: () => void): TimerId;
  cancel(id: TimerId): void;
  /** Manual clock only: moves time forward, running due timers in (due, creation) order. */
  advance(ms: number): Promise<void>;
  /** Called after every timer callback, so the world can settle controllers. */
  onTimerRan(hook: () => void): void;
  /**
   * Called after each timer's settle for what lives outside the process (the real PostgreSQL):
   * the manual clock waits for it before the next timer, so sim time stands still meanwhile.
   */
  onStep(hook: () => Promise<void>): void;
  stop(): void;
}

interface PendingTimer {
  id: TimerId;
  due: number;
  fn: () => void;
}

export function createManualClock(epochMs: number): SimClock {
  let now = epochMs;
  let nextId = 1;
  let afterTimer: () => void = () => {};
  let afterStep: () => Promise<void> = async () => {};
  const pending = new Map<TimerId, PendingTimer>();

  const nextDue = (limit: number): PendingTimer | undefined => {
    let best: PendingTimer | undefined;
    for (const t of pending.values()) {
      if (t.due > limit) continue;
      if (!best || t.due < best.due || (t.due === best.due && t.id < best.id)) best = t;
    }
    return best;
  };

  return {
    mode: 'manual',
    now: () => now,
    schedule(delayMs, fn) {
      const id = nextId++;
      pending.set(id, { id, due: now + Math.max(0, delayMs), fn });
      return id;
    },
    cancel(id) {
      pending.delete(id);
    },
    async advance(ms) {
      if (!(ms >= 0)) throw new Error(`advance(ms) needs a non-negative number, got ${ms}`);
      const target = now + ms;
      for (let t = nextDue(target); t; t = nextDue(target)) {
        pending.delete(t.id);
        now = t.due;
        t.fn();
        afterTimer();
        await afterStep();
        // Let HTTP writes and watch flushes triggered by this step reach their sockets
        // before the next step, so observers see intermediate states in order.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      now = target;
      afterTimer();
      await afterStep();
    },
    onTimerRan(hook) {
      afterTimer = hook;
    },
    onStep(hook) {
      afterStep = hook;
    },
    stop() {
      pending.clear();
    },
  };
}

export function createRealClock(speed: number): SimClock {
  if (!(speed > 0)) throw new Error(`clock speed must be > 0, got ${speed}`);
  const realStart = Date.now();
  let afterTimer: () => void = () => {};
  let afterStep: () => Promise<void> = async () => {};
  const handles = new Map<TimerId, NodeJS.Timeout>();
  let nextId = 1;
  return {
    mode: 'real',
    now: () => realStart + Math.floor((Date.now() - realStart) * speed),
    schedule(delayMs, fn) {
      const id = nextId++;
      const handle = setTimeout(() => {
        handles.delete(id);
        fn();
        afterTimer();
        // Nothing waits on the real clock; a failure surfaces at the next awaited sync.
        afterStep().catch(() => undefined);
      }, Math.max(0, delayMs) / speed);
      handles.set(id, handle);
      return id;
    },
    cancel(id) {
      clearTimeout(handles.get(id));
      handles.delete(id);
    },
    async advance() {
      throw new Error('advance() needs clock: "manual"; this sim runs on the real clock');
    },
    onTimerRan(hook) {
      afterTimer = hook;
    },
    onStep(hook) {
      afterStep = hook;
    },
    stop() {
      for (const h of handles.values()) clearTimeout(h);
      handles.clear();
    },
  };
}
