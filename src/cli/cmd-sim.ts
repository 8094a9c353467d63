import type { SimControl } from '../../engine/adapters/sim-control.ts';
import { SIM_RECOVERIES } from '../../engine/sim/recoveries.ts';
import { FAULT_KINDS, startLabSim } from '../../engine/sim/index.ts';
import { openSimControl, SimControlError } from '../guard/sim-control-target.ts';
import type { CommandContext } from './commands.ts';
import { parseDuration } from './duration.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { json } from './io.ts';

function stateDir(ctx: CommandContext): string {
  const dir = ctx.values['state-dir'];
  if (typeof dir !== 'string') throw new UsageError('--state-dir D is required: the directory `lab-tui sim serve --state-dir D` writes');
  return dir;
}

/** Control API answers 4xx for a bad request (usage), anything else is a failure. */
async function control(ctx: CommandContext, fn: (c: SimControl) => Promise<unknown>): Promise<number> {
  try {
    ctx.io.stdout(json(await fn(openSimControl(stateDir(ctx)))));
    return EXIT.ok;
  } catch (e) {
    if (e instanceof SimControlError && e.status >= 400 && e.status < 500) throw new UsageError(e.message);
    throw e;
  }
}

export async function runSimServe(ctx: CommandContext): Promise<number> {
  const num = (name: string) => {
    const v = ctx.values[name];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} expects a non-negative number, got "${v}"`);
    return n;
  };
  const sim = await startLabSim({
    stateDir: ctx.values['state-dir'] as string | undefined,
    ports: { kube: num('port') },
    speed: num('speed'),
    seed: num('seed'),
    clock: ctx.values.manual ? 'manual' : 'real',
  });
  ctx.io.stdout(
    [
      `lab-sim serving (${ctx.values.manual ? 'manual clock' : `real clock x${num('speed') ?? 1}`})`,
      `  kubernetes  ${sim.urls.kube}`,
      `  vault       ${sim.urls.vault}`,
      `  gitea       ${sim.urls.gitea}`,
      `  step-ca     ${sim.urls.stepca}`,
      `  control     ${sim.urls.control}`,
      `  state dir   ${sim.stateDir}`,
      '',
      `  kubectl --kubeconfig ${sim.files.kubeconfig} get nodes`,
      `  lab-tui --config ${sim.files.config}`,
      `  lab-tui sim fault node-stop pi2 --state-dir ${sim.stateDir}`,
      `  git clone ${sim.urls.gitea}/arcodange/runbooks.git`,
      '',
      'Ctrl-C stops it.',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.stop();
  return EXIT.ok;
}

export const runSimFault = (ctx: CommandContext): Promise<number> => {
  const [kind, target] = ctx.args;
  if (!kind) throw new UsageError(`sim fault needs a kind: ${FAULT_KINDS.join(', ')}`);
  return control(ctx, (c) => c.fault(kind, target));
  };

export const runSimAdvance = (ctx: CommandContext): Promise<number> => {
  if (!ctx.args[0]) throw new UsageError('sim advance needs a duration, e.g. 40s');
  const ms = parseDuration(ctx.args[0]);
  return control(ctx, (c) => c.advance(ms));
  };

export const runSimRecover = (ctx: CommandContext): Promise<number> => {
  const [name, target] = ctx.args;
  const tool = SIM_RECOVERIES[name as keyof typeof SIM_RECOVERIES];
  if (!tool) throw new UsageError(`sim recover needs one of: ${Object.keys(SIM_RECOVERIES).join(', ')}`);
  if (tool.target && !target) throw new UsageError(`sim recover ${name} needs the ${tool.target}`);
  return control(ctx, (c) => c.recover(tool.path, tool.target ? { [tool.target]: target } : {}));
};

export const runSimState = (ctx: CommandContext): Promise<number> => control(ctx, (c) => c.state());
