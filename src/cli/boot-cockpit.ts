import type { Store } from '../../engine/common/store.ts';
import type { AppModel } from '../app/model.ts';
import { GuardRefusal } from '../guard/refusal.ts';
import { openSandbox } from '../guard/sandbox.ts';
import type { CommandContext } from './commands.ts';
import { startSandboxHealth } from './start-health.ts';
import { RunbookDesk, type DeskIntent } from '../../engine/runbook/runbook-desk.ts';
import { drillDeps } from './drill-deps.ts';
import { drillsDir, findDrill, runbookFor } from './drill-catalog.ts';
import { loadDrills } from '../../engine/drills/load-drill.ts';
import { activeGameday } from '../../engine/drills/gameday.ts';
import { prTarget } from './pr-target.ts';
import { runbookSources, runsDir } from './runbook-paths.ts';
import { resolveTarget } from './target.ts';
import { cockpitGates } from './cockpit-gates.ts';

/** Resolves the target, passes it through the guard and starts the health service into the model. Returns how to release it all. */
export async function bootCockpit(ctx: CommandContext, model: Store<AppModel>, first?: DeskIntent): Promise<() => Promise<void>> {
  const target = await resolveTarget(ctx.global, ctx.io.env);
  model.set((m) => ({ ...m, origin: target.origin }));
  const refuse = (e: GuardRefusal) => model.set((m) => ({ ...m, refusal: e.refusal }));
  try {
    const sandbox = await openSandbox(target.config, ctx.io.env);
    // A name that starts resolving to prod mid-session is refused at connect time: shown as any refusal.
    sandbox.onRefusal(refuse);
    const health = startSandboxHealth(sandbox, refuse);
    const drills = drillDeps(sandbox, health.snapshots);
    const find = (id: string) => {
      const drill = findDrill(id);
      return { drill, runbook: runbookFor(target.config, drill) };
    };
    const desk = new RunbookDesk({ sources: runbookSources(target.config), runsDir: runsDir(target.config), sandbox: sandbox.identity.name, drills: { deps: drills, list: () => loadDrills(drillsDir()), find }, pr: () => prTarget(sandbox, drills.engine.redactor), ...cockpitGates(sandbox, drills.parity) }, drills.engine);
    const runbookOnly = activeGameday(target.config.sandbox.evidenceDir)?.runbookOnly === true;
    model.set((m) => ({ ...m, identity: sandbox.identity, snapshots: health.snapshots, runbooks: { state: desk.state, send: (i) => desk.send(i) }, runbookOnly }));
    if (first) desk.send(first);
    return async () => {
      await desk.stop();
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
