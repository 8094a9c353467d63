import { DEFAULT_VERIFY_TIMEOUT_MS } from './catalog.ts';
import { evaluateProbe, type ProbeContext, type ProbeResult } from './evaluate-probe.ts';
import type { ProbeSpec } from './types.ts';

export interface VerifyOptions {
  ctx: ProbeContext;
  signal: AbortSignal;
  pollMs: number;
  /** The step's timeout, for probes without their own. */
  stepTimeoutMs?: number;
  /** Each attempt's result, for the screen. */
  onAttempt(probe: ProbeSpec, result: ProbeResult): void;
}

/** Waits `ms` or until the abort; the abort listener goes with the wait (a long verification polls hundreds of times). */
const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** Polls a probe until it holds, its timeout passes or the operator aborts; the last result counts. */
export async function waitForProbe(probe: ProbeSpec, o: VerifyOptions): Promise<ProbeResult & { durationMs: number }> {
  const started = Date.now();
  const deadline = started + (probe.timeoutMs ?? o.stepTimeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS);
  for (;;) {
    const result = await evaluateProbe(probe, o.ctx);
    o.onAttempt(probe, result);
    const durationMs = Date.now() - started;
    if (result.ok) return { ...result, durationMs };
    if (o.signal.aborted) return { ok: false, detail: `${result.detail} (verification aborted)`, durationMs };
    if (Date.now() >= deadline) return { ok: false, detail: `${result.detail} (timed out after ${Math.round(durationMs / 1000)} s)`, durationMs };
    await pause(o.pollMs, o.signal);
  }
}

/** `requires:` checks once: a precondition either holds now or the step does not start. */
export async function firstFailing(probes: ProbeSpec[], ctx: ProbeContext): Promise<{ probe: ProbeSpec; result: ProbeResult } | undefined> {
  for (const probe of probes) {
    const result = await evaluateProbe(probe, ctx);
    if (!result.ok) return { probe, result };
  }
  return undefined;
}
