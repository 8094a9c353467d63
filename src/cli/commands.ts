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

/** The headings of `lab-tui --help`, in the order their first command appears in the table. */
export type CommandGroup = 'cockpit' | 'runbooks' | 'drills' | 'gates' | 'evidence' | 'sim' | 'configuration';

/**
 * A subcommand; the table of them generates `--help` so help never drifts from behaviour.
 * Its implementation is imported only when it runs: `--help` must not load Kubernetes clients.
 */
export interface Command<O extends OptionSpec = OptionSpec> {
  path: string[];
  group: CommandGroup;
  usage: string;
  summary: string;
  options: O;
  /** What each flag of `options` does (`help COMMAND`); a flag without one does not compile. */
  descriptions: { [K in keyof O]: string };
  load(): Promise<(ctx: CommandContext) => Promise<number>>;
}

/** Types one table entry: `descriptions` must name exactly the flags of its `options`. */
export const command = <O extends OptionSpec>(c: Command<O>): Command => c as unknown as Command;

export const GLOBAL_OPTIONS: OptionSpec = {
  config: { type: 'string', short: 'c' },
  sim: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
};

/** Where `--help` finds the value names of the global options (`--config FILE`). */
export const GLOBAL_USAGE = '[--config FILE | --sim]';

export const GLOBAL_DESCRIPTIONS: Record<string, string> = {
  config: 'configuration file (default: $LAB_TUI_CONFIG, then $XDG_CONFIG_HOME/lab-tui/config.yaml)',
  sim: 'run against the embedded simulated sandbox (lab-sim); the default when no configuration exists',
  help: "this help; after a command, that command's usage and flags",
  version: 'print the version',
};
