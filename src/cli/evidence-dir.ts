import path from 'node:path';
import type { LabConfig } from '../config/types.ts';
import type { CommandContext } from './commands.ts';

/** `--evidence-dir DIR` overrides the configured evidence directory on every evidence command. */
export function evidenceDir(ctx: CommandContext, config: LabConfig): string {
  return typeof ctx.values['evidence-dir'] === 'string' ? path.resolve(ctx.values['evidence-dir']) : config.sandbox.evidenceDir;
}
