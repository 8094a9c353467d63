import type { Store } from '../../engine/common/store.ts';
import type { AppModel } from '../app/model.ts';
import { GuardRefusal } from '../guard/refusal.ts';
import { openSandbox } from '../guard/sandbox.ts';
import type { CommandContext } from './commands.ts';
import { startSandboxHealth } from './start-health.ts';
import { resolveTarget } from './target.ts';

/** Resolves the target, passes it through the guard and starts the health service into the model. Returns how to release it all. */
export async function bootCockpit(ctx: CommandContext, model: Store<AppModel>): Promise<() => Promise<void>> {
  const target = await resolveTarget(ctx.global, ctx.io.env);
  model.set((m) => ({ ...m, origin: target.origin }));
  const refuse = (e: GuardRefusal) => model.set((m) => ({ ...m, refusal: e.refusal }));
  try {
    const sandbox = openSandbox(target.config, ctx.io.env);
    const health = startSandboxHealth(sandbox, refuse);
    model.set((m) => ({ ...m, identity: sandbox.identity, snapshots: health.snapshots }));
    return async () => {
      await health.stop();
      await target.stop();
    };
  } catch (e) {
    if (!(e instanceof GuardRefusal)) {
      await target.stop();
      throw e;
    }
    refuse(e);
    return () => target.stop();
  }
}
