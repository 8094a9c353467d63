import { parseArgs } from 'node:util';
import { LocatedErrors } from '../../engine/common/located-error.ts';
import { formatRefusal, GuardRefusal } from '../guard/refusal.ts';
import { Unreachable } from '../guard/markers.ts';
import { COMMANDS } from './command-table.ts';
import { GLOBAL_DESCRIPTIONS, GLOBAL_OPTIONS, GLOBAL_USAGE, type Command, type OptionSpec } from './commands.ts';
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
    throw new UsageError(group.length ? `"${positionals.join(' ')}": expected one of: ${group.join(', ')}` : `unknown command "${positionals[0]}"`);
  }
  return { command };
}

/** Help is read in 80-column terminals: no line of it is longer. */
export const HELP_WIDTH = 80;

/**
 * Tokens on lines of at most `width` columns, joined by spaces. A token longer than a line
 * (`<node-stop|node-start|…>`) is cut after a `|` or `,`, filling the current line first.
 */
export function wrapTokens(tokens: string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let token of tokens) {
    while (token.length > width) {
      const room = line ? width - line.length - 1 : width;
      const sep = room > 0 ? Math.max(token.lastIndexOf('|', room - 1), token.lastIndexOf(',', room - 1)) : -1;
      const cut = sep >= 0 ? sep + 1 : line ? 0 : width;
      if (cut) {
        lines.push(line ? `${line} ${token.slice(0, cut)}` : token.slice(0, cut));
        token = token.slice(cut);
      } else lines.push(line);
      line = '';
    }
    if (line && line.length + 1 + token.length > width) {
      lines.push(line);
      line = token;
    } else line = line ? `${line} ${token}` : token;
  }
  if (line) lines.push(line);
  return lines;
}

export const wrap = (text: string, width: number): string[] => wrapTokens(text.split(/\s+/).filter(Boolean), width);

/** A usage's words, an option group (`[--dry-run [--json]]`, `[--markdown | --json]`) kept as one. */
function usageTokens(usage: string): string[] {
  const tokens: string[] = [];
  let depth = 0;
  let token = '';
  for (const ch of usage) {
    if (ch === ' ' && depth === 0) {
      if (token) tokens.push(token);
      token = '';
      continue;
    }
    if (ch === '[' || ch === '<') depth++;
    if ((ch === ']' || ch === '>') && depth > 0) depth--;
    token += ch;
  }
  if (token) tokens.push(token);
  return tokens;
}

/**
 * Two columns: each text beside its label, wrapped under its own column; a label wider than
 * `labelWidth` gets its text on the next line, indented to the same column.
 */
export function columns(rows: [label: string, text: string][], indent: number, labelWidth: number): string[] {
  const col = indent + labelWidth + 2;
  const pad = (n: number) => ' '.repeat(n);
  return rows.flatMap(([label, text]) => {
    const lines = wrap(text, HELP_WIDTH - col);
    if (label.length > labelWidth) return [`${pad(indent)}${label}`, ...lines.map((l) => pad(col) + l)];
    const [first = '', ...rest] = lines;
    return [`${pad(indent)}${label.padEnd(labelWidth)}  ${first}`.trimEnd(), ...rest.map((l) => pad(col) + l)];
  });
}

/** `-i, --inventory I`: the value's name is the one the usage gives the flag, else VALUE. */
function flagRows(options: OptionSpec, descriptions: Record<string, string>, usage: string): [string, string][] {
  return Object.entries(options).map(([name, o]) => {
    const named = new RegExp(`--${name} ([^\\s\\]]+)`).exec(usage)?.[1];
    const value = o.type === 'string' ? ` ${named && /^[A-Za-z<]/.test(named) ? named : 'VALUE'}` : '';
    return [`${o.short ? `-${o.short}, ` : '    '}--${name}${value}`, descriptions[name] ?? ''];
  });
}

const labelWidth = (labels: string[], max: number) => Math.min(max, Math.max(...labels.map((l) => l.length)));

/** How `--help` names a command: its words; the cockpit has none. */
export const commandName = (c: Command): string => (c.path.length ? c.path.join(' ') : '(no command)');

/** The commands under their groups, in table order; the heading is the group's name. */
export function commandList(): string[] {
  const groups = [...new Set(COMMANDS.map((c) => c.group))];
  const width = labelWidth(COMMANDS.map(commandName), 20);
  return groups.flatMap((g, i) => [
    ...(i ? [''] : []),
    `${g[0]!.toUpperCase()}${g.slice(1)}:`,
    ...columns(
      COMMANDS.filter((c) => c.group === g).map((c) => [commandName(c), c.summary]),
      2,
      width,
    ),
  ]);
}

export function helpText(): string {
  const globals = flagRows(GLOBAL_OPTIONS, GLOBAL_DESCRIPTIONS, GLOBAL_USAGE);
  return [
    `lab-tui ${VERSION} — game-day cockpit for the lab's production-like sandbox`,
    '',
    `Usage: lab-tui ${GLOBAL_USAGE} [COMMAND]`,
    '',
    ...commandList(),
    '',
    'Global options:',
    ...columns(globals, 2, labelWidth(globals.map(([l]) => l), 24)),
    '',
    'Exit codes:',
    `  ${EXIT.ok} ok`,
    `  ${EXIT.failed} a check, gate, drill or run failed, or the sandbox was unreachable`,
    `  ${EXIT.usage} usage, configuration or runbook error`,
    `  ${EXIT.refused} refused by the isolation guard`,
    '',
    "Run 'lab-tui help COMMAND' or 'lab-tui COMMAND --help' for a command's flags.",
  ].join('\n');
}

/** One command's help: its usage, its summary and every flag with what it does. */
export function commandHelp(c: Command): string {
  if (!c.path.length) return helpText();
  const prefix = 'Usage: lab-tui ';
  const usage = wrapTokens(usageTokens(c.usage), HELP_WIDTH - prefix.length).map((l, i) => (i ? ' '.repeat(prefix.length) : prefix) + l);
  const flags = flagRows(c.options, c.descriptions, c.usage);
  return [
    ...usage,
    '',
    ...wrap(c.summary, HELP_WIDTH),
    ...(flags.length ? ['', 'Options:', ...columns(flags, 2, labelWidth(flags.map(([l]) => l), 24))] : []),
    '',
    "Global options (--config FILE, --sim) apply as well: see 'lab-tui --help'.",
  ].join('\n');
}

/**
 * `help [COMMAND...]`: what `COMMAND --help` prints. An unknown command is a usage error (exit 2)
 * that lists the commands: the ones it begins, else all of them.
 */
function help(words: string[], io: Io): number {
  if (!words.length || (words.length === 1 && words[0] === 'help')) {
    io.stdout(helpText());
    return EXIT.ok;
  }
  try {
    io.stdout(commandHelp(findCommand(words).command));
    return EXIT.ok;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    const begun = COMMANDS.filter((c) => c.path[0] === words[0]);
    const list = begun.length ? columns(begun.map((c) => [commandName(c), c.summary]), 2, labelWidth(COMMANDS.map(commandName), 20)) : commandList();
    io.stderr([`lab-tui help: ${e.message}`, '', ...list].join('\n'));
    return EXIT.usage;
  }
}

/** Runs one invocation and returns its exit code; never calls process.exit itself. */
export async function main(argv: string[], io: Io): Promise<number> {
  try {
    const first = parseArgs({ args: argv, options: GLOBAL_OPTIONS, strict: false, allowPositionals: true });
    if (first.values.version) {
      io.stdout(VERSION);
      return EXIT.ok;
    }
    if (first.positionals[0] === 'help') return help(first.positionals.slice(1), io);
    const { command } = findCommand(first.positionals);
    if (first.values.help) {
      io.stdout(commandHelp(command));
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
