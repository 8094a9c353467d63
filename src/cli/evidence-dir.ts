import path from 'node:path';
import type { LabConfig } from '../config/types.ts';
import type { CommandContext } from './commands.ts';
import { configFileIfAny, embeddedSimEvidenceDir } from './target.ts';

/** `--evidence-dir DIR` overrides the configured evidence directory on every evidence command. */
export function evidenceDir(ctx: CommandContext, config: LabConfig): string {
  return typeof ctx.values['evidence-dir'] === 'string' ? path.resolve(ctx.values['evidence-dir']) : config.sandbox.evidenceDir;
}

/** The evidence directory a reading command uses: with --evidence-dir, no sandbox is resolved at all. */
export function evidenceDirToRead(ctx: CommandContext): string {
  if (typeof ctx.values['evidence-dir'] === 'string') return path.resolve(ctx.values['evidence-dir']);
  // Without a configuration the sandbox is the embedded lab-sim: its evidence is read without starting it.
  const config = configFileIfAny(ctx.global, ctx.io.env);
  return config ? config.sandbox.evidenceDir : embeddedSimEvidenceDir(ctx.io.env);
}
