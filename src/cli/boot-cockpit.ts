import { Cockpit } from '../../engine/cockpit/cockpit.ts';
import type { DeskIntent } from '../../engine/cockpit/types.ts';
import type { Store } from '../../engine/common/store.ts';
import { activeGameday } from '../../engine/drills/gameday.ts';
import type { AppModel } from '../../screens/app-model.ts';
import { GuardRefusal } from '../guard/refusal.ts';
import { openSandbox } from '../guard/sandbox.ts';
import type { CommandContext } from './commands.ts';
import { startCockpitDoctor } from './cockpit-doctor.ts';
import { runDoctor } from './doctor-run.ts';
import { resolveTarget } from './target.ts';
import { startSandboxHealth, wireCockpit } from './wiring.ts';

/** Resolves the target, passes it through the guard and starts the health service into the model. Returns how to release it all. */
export async function bootCockpit(ctx: CommandContext, model: Store<AppModel>, first?: DeskIntent): Promise<() => Promise<void>> {
  const target = await resolveTarget(ctx.global, ctx.io.env);
  model.set((m) => ({ ...m, origin: target.origin, resumable: !target.ephemeral }));
  const refuse = (e: GuardRefusal) => model.set((m) => ({ ...m, refusal: e.refusal }));
  try {
    const sandbox = await openSandbox(target.config, ctx.io.env);
    // A name that starts resolving to prod mid-session is refused at connect time: shown as any refusal.
    sandbox.onRefusal(refuse);
    const health = startSandboxHealth(sandbox, refuse);
    const wired = wireCockpit(sandbox, health.snapshots);
    const cockpit = new Cockpit(wired.options, wired.engine);
    const runbookOnly = activeGameday(target.config.sandbox.evidenceDir)?.runbookOnly === true;
    model.set((m) => ({ ...m, identity: sandbox.identity, snapshots: health.snapshots, runbooks: { state: cockpit.state, send: (i) => cockpit.send(i) }, runbookOnly }));
    if (first) cockpit.send(first);
    // The set-up half of the preflight on the cockpit's own sandbox; its screen comes first when a check fails.
    const doctorSettled = startCockpitDoctor(model, () => runDoctor(target.config, ctx.io.env, sandbox, 'setup'), target.config.file);
    return async () => {
      await doctorSettled();
      await cockpit.stop();
      await health.stop();
      // A drill ran here: with autoPush its evidence is shared now, the terminal back to the shell.
      if (target.config.sandbox.evidence.autoPush && cockpit.state.get().drill) await (await import('./cmd-evidence-push.ts')).autoPush(ctx, sandbox, target.config.sandbox.evidenceDir);
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
