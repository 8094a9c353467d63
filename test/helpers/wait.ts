import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** Give up after this long (real time). Default 5000 ms. */
  timeoutMs?: number;
  /** What is being waited for, for the timeout message. */
  what: string;
}

/**
 * Polls `predicate` until it returns a truthy value (which is returned) or the timeout passes.
 * The first checks run on setImmediate so in-process I/O can land; later ones every few ms.
 * A predicate that throws counts as "not yet"; its last error is reported on timeout.
 */
export async function waitFor<T>(predicate: () => T | Promise<T>, opts: WaitOptions): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const deadline = Date.now() + timeoutMs;
  let attempt = 0;
  let lastError: unknown;
  let lastValue: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
      lastValue = value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const detail = lastError ? `; last error: ${(lastError as Error).message ?? String(lastError)}` : `; last value: ${JSON.stringify(lastValue)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${opts.what}${detail}`);
    }
    attempt++;
    if (attempt < 20) await new Promise<void>((resolve) => setImmediate(resolve));
    else await sleep(Math.min(25, 2 + attempt / 10));
  }
}
