import { createStore } from '../app/store.ts';
import type { AppModel } from '../app/model.ts';
import { runTui } from '../app/run-tui.tsx';
import { Unreachable } from '../guard/markers.ts';
import { GuardRefusal } from '../guard/refusal.ts';
import { openSandbox, type Sandbox } from '../guard/sandbox.ts';
import type { Command } from './commands.ts';
import { EXIT } from './exit-codes.ts';
import { resolveTarget } from './target.ts';

const RETRY_MS = [500, 1000, 2000, 5000];

/** Verifies the Kubernetes marker, retrying while unreachable; a refusal stops everything. */
function connect(sandbox: Sandbox, model: ReturnType<typeof createStore<AppModel>>, signal: AbortSignal): void {
  let attempt = 0;
  const tryOnce = () => {
    if (signal.aborted) return;
    sandbox.kube().then(
      () => model.set((m) => ({ ...m, kubernetes: { state: 'verified' } })),
      (e: unknown) => {
        if (e instanceof GuardRefusal) return model.set((m) => ({ ...m, refusal: e.refusal, kubernetes: { state: 'refused' } }));
        const detail = e instanceof Unreachable ? e.message : String(e);
        model.set((m) => ({ ...m, kubernetes: { state: 'unreachable', detail } }));
        setTimeout(tryOnce, RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)]).unref();
      },
    );
  };
  tryOnce();
}

export const tuiCommand: Command = {
  path: [],
  usage: '',
  summary: 'start the cockpit (the embedded simulated sandbox when no configuration exists)',
  options: {},
  async run(ctx) {
    const target = await resolveTarget(ctx.global, ctx.io.env);
    const model = createStore<AppModel>({ origin: target.origin, kubernetes: { state: 'connecting' } });
    const stop = new AbortController();
    try {
      try {
        const sandbox = openSandbox(target.config, ctx.io.env);
        model.set((m) => ({ ...m, identity: sandbox.identity }));
        connect(sandbox, model, stop.signal);
      } catch (e) {
        if (!(e instanceof GuardRefusal)) throw e;
        model.set((m) => ({ ...m, refusal: e.refusal, kubernetes: { state: 'refused' } }));
      }
      await runTui(model);
      return model.get().refusal ? EXIT.refused : EXIT.ok;
    } finally {
      stop.abort();
      await target.stop();
    }
  },
};
