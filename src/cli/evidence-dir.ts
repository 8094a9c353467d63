import path from 'node:path';
import type { LabConfig } from '../config/types.ts';
import type { CommandContext } from './commands.ts';
import { resolveTarget } from './target.ts';

/** `--evidence-dir DIR` overrides the configured evidence directory on every evidence command. */
export function evidenceDir(ctx: CommandContext, config: LabConfig): string {
  return typeof ctx.values['evidence-dir'] === 'string' ? path.resolve(ctx.values['evidence-dir']) : config.sandbox.evidenceDir;
}

/** The evidence directory a reading command uses: with --evidence-dir, no sandbox is resolved at all. */
export async function evidenceDirToRead(ctx: CommandContext): Promise<string> {
  if (typeof ctx.values['evidence-dir'] === 'string') return path.resolve(ctx.values['evidence-dir']);
  const target = await resolveTarget(ctx.global, ctx.io.env);
  await target.stop();
  return evidenceDir(ctx, target.config);
}
