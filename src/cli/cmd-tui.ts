import type { AppModel } from '../app/model.ts';
import { startTui } from '../app/run-tui.tsx';
import { createStore } from '../app/store.ts';
import type { CommandContext } from './commands.ts';
import { EXIT } from './exit-codes.ts';

/**
 * The first frame comes before anything heavy is imported (Kubernetes client, lab-sim):
 * the operator sees the cockpit at once, then the sandbox connects into it.
 */
export async function runCockpit(ctx: CommandContext): Promise<number> {
  // Loading starts before the first frame is drawn, so the two overlap.
  const booting = import('./boot-cockpit.ts');
  const model = createStore<AppModel>({ origin: 'starting…' });
  const tui = startTui(model);
  let release = async () => {};
  try {
    const { bootCockpit } = await booting;
    release = await bootCockpit(ctx, model);
  } catch (e) {
    tui.quit();
    await tui.done;
    throw e;
  }
  try {
    await tui.done;
  } finally {
    await release();
  }
  return model.get().refusal ? EXIT.refused : EXIT.ok;
}
