import type { HealthService } from '../../engine/health/health-service.ts';
import type { AppModel } from '../app/model.ts';
import { runTui } from '../app/run-tui.tsx';
import { createStore } from '../app/store.ts';
import { GuardRefusal } from '../guard/refusal.ts';
import { openSandbox } from '../guard/sandbox.ts';
import type { Command } from './commands.ts';
import { EXIT } from './exit-codes.ts';
import { startSandboxHealth } from './start-health.ts';
import { resolveTarget } from './target.ts';

export const tuiCommand: Command = {
  path: [],
  usage: '',
  summary: 'start the cockpit (the embedded simulated sandbox when no configuration exists)',
  options: {},
  async run(ctx) {
    const target = await resolveTarget(ctx.global, ctx.io.env);
    const model = createStore<AppModel>({ origin: target.origin });
    const refuse = (e: GuardRefusal) => model.set((m) => ({ ...m, refusal: e.refusal }));
    let health: HealthService | undefined;
    try {
      try {
        const sandbox = openSandbox(target.config, ctx.io.env);
        model.set((m) => ({ ...m, identity: sandbox.identity }));
        health = startSandboxHealth(sandbox, refuse);
      } catch (e) {
        if (!(e instanceof GuardRefusal)) throw e;
        refuse(e);
      }
      await runTui(model, health?.snapshots);
      return model.get().refusal ? EXIT.refused : EXIT.ok;
    } finally {
      await health?.stop();
      await target.stop();
    }
  },
};
