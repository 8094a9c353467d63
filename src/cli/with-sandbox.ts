import type { Sandbox } from '../guard/sandbox.ts';
import type { CommandContext } from './commands.ts';
import { resolveTarget, type Target } from './target.ts';

/** Resolves the target, passes it through the guard, and always releases it. */
export async function withSandbox<T>(ctx: CommandContext, fn: (sandbox: Sandbox, target: Target) => Promise<T>): Promise<T> {
  // The guard and its adapters load while the target starts (the embedded lab-sim in a thread).
  const guard = import('../guard/sandbox.ts');
  const target = await resolveTarget(ctx.global, ctx.io.env);
  try {
    const { openSandbox } = await guard;
    return await fn(await openSandbox(target.config, ctx.io.env), target);
  } finally {
    await target.stop();
  }
}
