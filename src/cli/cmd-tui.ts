import type { AppModel } from '../../screens/app-model.ts';
import { startTui } from '../app/run-tui.tsx';
import { createStore } from '../../engine/common/store.ts';
import type { CommandContext } from './commands.ts';
import { EXIT } from './exit-codes.ts';
import type { DeskIntent } from '../../engine/cockpit/types.ts';

/**
 * The first frame comes before anything heavy is imported (Kubernetes client, lab-sim):
 * the operator sees the cockpit at once, then the sandbox connects into it.
 */
export async function runCockpit(ctx: CommandContext, opts: { first?: DeskIntent } = {}): Promise<number> {
  // Loading starts before the first frame is drawn, so the two overlap.
  const booting = import('./boot-cockpit.ts');
  const model = createStore<AppModel>({ origin: 'starting…', ...(opts.first ? { startScreen: 'runbooks' as const } : {}) });
  const tui = startTui(model);
  let release = async () => {};
  try {
    const { bootCockpit } = await booting;
    release = await bootCockpit(ctx, model, opts.first);
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
  if (model.get().refusal) return EXIT.refused;
  const run = model.get().runbooks?.state.get().run;
  if (run && run.phase.kind !== 'finished') ctx.io.stderr(`run ${run.runId} interrupted at step ${run.steps[run.current]?.id ?? '?'}; \`lab-tui resume ${run.runId}\` continues it`);
  return run?.phase.kind === 'finished' && run.phase.status !== 'passed' ? EXIT.failed : EXIT.ok;
}
