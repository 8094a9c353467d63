import type { ParseArgsConfig } from 'node:util';
import type { Io } from './io.ts';
import type { GlobalOptions } from './target.ts';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  io: Io;
  global: GlobalOptions;
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  args: string[];
}

/**
 * A subcommand; the table of them generates `--help` so help never drifts from behaviour.
 * Its implementation is imported only when it runs: `--help` must not load Kubernetes clients.
 */
export interface Command {
  path: string[];
  usage: string;
  summary: string;
  options: OptionSpec;
  load(): Promise<(ctx: CommandContext) => Promise<number>>;
}

export const GLOBAL_OPTIONS: OptionSpec = {
  config: { type: 'string', short: 'c' },
  sim: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
};
