import { parseArgs } from 'node:util';
import { LocatedErrors } from '../../engine/common/located-error.ts';
import { formatRefusal, GuardRefusal } from '../guard/refusal.ts';
import { Unreachable } from '../guard/markers.ts';
import { COMMANDS } from './command-table.ts';
import { GLOBAL_OPTIONS, type Command } from './commands.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import type { Io } from './io.ts';
export { processIo } from './io.ts';
import { VERSION } from './version.ts';


function findCommand(positionals: string[]): { command: Command } {
  // The TUI has no command word, so it only matches when none was given.
  const matches = COMMANDS.filter((c) => (positionals.length === 0 ? c.path.length === 0 : c.path.length > 0 && c.path.every((p, i) => positionals[i] === p))).sort(
    (a, b) => b.path.length - a.path.length,
  );
  const command = matches[0];
  if (!command) {
    const group = COMMANDS.filter((c) => c.path[0] === positionals[0]).map((c) => c.path.join(' '));
    throw new UsageError(group.length ? `"${positionals.join(' ')}": expected one of: ${group.join(', ')}` : `unknown command "${positionals[0]}" (see lab-tui --help)`);
  }
  return { command };
}

export function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.usage.length));
  return [
    `lab-tui ${VERSION} — game-day cockpit for the lab's production-like sandbox`,
    '',
    'Usage: lab-tui [--config FILE | --sim] [COMMAND]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  lab-tui ${c.usage.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    '  -c, --config FILE  configuration file (default: $LAB_TUI_CONFIG, then $XDG_CONFIG_HOME/lab-tui/config.yaml)',
    '      --sim          run against the embedded simulated sandbox (lab-sim); the default when no configuration exists',
    '  -h, --help         this help',
    '  -V, --version      print the version',
    '',
    'Exit codes: 0 ok, 1 a check or gate failed, 2 usage or configuration error, 3 refused by the isolation guard.',
  ].join('\n');
}

/** Runs one invocation and returns its exit code; never calls process.exit itself. */
export async function main(argv: string[], io: Io): Promise<number> {
  try {
    const first = parseArgs({ args: argv, options: GLOBAL_OPTIONS, strict: false, allowPositionals: true });
    if (first.values.version) {
      io.stdout(VERSION);
      return EXIT.ok;
    }
    const { command } = findCommand(first.positionals);
    if (first.values.help) {
      io.stdout(command.path.length ? `Usage: lab-tui ${command.usage}\n\n${command.summary}` : helpText());
      return EXIT.ok;
    }
    const parsed = parseArgs({ args: argv, options: { ...GLOBAL_OPTIONS, ...command.options }, strict: true, allowPositionals: true });
    const args = parsed.positionals.slice(command.path.length);
    const run = await command.load();
    return await run({ io, global: { config: parsed.values.config as string | undefined, sim: parsed.values.sim as boolean | undefined }, values: parsed.values, args });
  } catch (e) {
    if (e instanceof GuardRefusal) {
      io.stderr(formatRefusal(e.refusal));
      return EXIT.refused;
    }
    if (e instanceof LocatedErrors) {
      io.stderr(`${e.input} error:\n${e.message}`);
      return EXIT.usage;
    }
    if (e instanceof UsageError || (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`lab-tui: ${(e as Error).message}\n(see lab-tui --help)`);
      return EXIT.usage;
    }
    if (e instanceof Unreachable) {
      io.stderr(`lab-tui: ${e.message}`);
      return EXIT.failed;
    }
    io.stderr(`lab-tui: ${(e as Error).stack ?? String(e)}`);
    return EXIT.failed;
  }
}
