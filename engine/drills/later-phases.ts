import type { LaterPhase } from './inject-fault.ts';

/**
 * Injects each later phase of the fault once it is ready, in order, journaling it; a phase that
 * fails is journaled too (its detail says why) and not retried: the operator sees the drill as it
 * went. It polls on its own, so a slow acceptance check never delays a phase. `settled` holds the
 * walkthrough while a phase is ready or landing: the fault is still unfolding.
 */
export function laterPhaseInjector(phases: LaterPhase[], pollMs: number, journal: (phase: string, detail: string) => void): { settled(): Promise<void>; stop(): Promise<void> } {
  const pending = [...phases];
  let injecting = false;
  let stopped = false;
  const pause = () => new Promise((r) => setTimeout(r, pollMs));
  const loop = (async () => {
    while (!stopped && pending.length) {
      if ((await pending[0]!.state()) === 'ready' && !stopped) {
        injecting = true;
        journal(pending[0]!.phase, await pending[0]!.inject().catch((e: Error) => `failed: ${e.message}`));
        pending.shift();
        injecting = false;
      } else await pause();
    }
  })();
  return {
    async settled() {
      while (!stopped && pending.length && (injecting || (await pending[0]!.state()) === 'ready')) await pause();
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
