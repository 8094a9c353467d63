import path from 'node:path';
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
  const desk = model.get().runbooks?.state.get();
  const run = desk?.run;
  const resume = (runId: string) => `\`lab-tui${ctx.global.config ? ` --config ${ctx.global.config}` : ''} resume ${runId}\``;
  // A resume line only where resuming can work: never for the embedded lab-sim, gone with the cockpit.
  if (desk?.drill?.phase === 'left') ctx.io.stderr(`drill ${desk.drill.drill.id} left without an outcome, its fault still in; ${resume(path.basename(desk.drill.file, '.jsonl'))} takes it up`);
  else if (run && run.phase.kind !== 'finished' && !desk?.drill?.outcome)
    ctx.io.stderr(`run ${run.runId} interrupted at step ${run.steps[run.current]?.id ?? '?'}${model.get().resumable ? `; ${resume(run.runId)} continues it` : ': it ran on the embedded lab-sim, which is gone with the cockpit'}`);
  return run?.phase.kind === 'finished' && run.phase.status !== 'passed' ? EXIT.failed : EXIT.ok;
}
