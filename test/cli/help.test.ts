import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../src/cli/command-table.ts';
import { GLOBAL_DESCRIPTIONS, GLOBAL_OPTIONS } from '../../src/cli/commands.ts';
import { columns, commandName, wrapTokens } from '../../src/cli/main.ts';
import { runCli } from '../helpers/cli.ts';

const commands = COMMANDS.filter((c) => c.path.length);
const tooWide = (text: string) => text.split('\n').filter((l) => l.length > 80);

/** `--help`'s groups: heading ("Drills") → the command names listed under it. */
function groupsOf(help: string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of help.split('\n')) {
    const heading = /^(\S[^:]*):$/.exec(line);
    if (heading) groups.set(heading[1]!, (current = []));
    else if (!line.trim()) current = undefined;
    else if (current && /^  \S/.test(line)) current.push(line.slice(2).split(/ {2,}/)[0]!);
  }
  return groups;
}

describe('lab-tui --help', () => {
  it('fits in 80 columns, and `help` prints the same', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    assert.deepEqual(tooWide(r.stdout), []);
    assert.match(r.stdout, /^Usage: lab-tui \[--config FILE \| --sim\] \[COMMAND\]$/m);
    assert.equal((await runCli(['help'])).stdout, r.stdout);
  });

  it('lists every command of the table under its group, in table order', async () => {
    const groups = groupsOf((await runCli(['--help'])).stdout);
    const title = (g: string) => `${g[0]!.toUpperCase()}${g.slice(1)}`;
    for (const c of COMMANDS) assert.ok(groups.get(title(c.group))?.includes(commandName(c)), `${commandName(c)} under ${title(c.group)}`);
    assert.deepEqual(
      [...groups.keys()].filter((k) => k !== 'Global options' && k !== 'Exit codes'),
      ['Cockpit', 'Runbooks', 'Drills', 'Gates', 'Evidence', 'Sim', 'Configuration'],
    );
    for (const g of [...new Set(COMMANDS.map((c) => c.group))]) {
      assert.deepEqual(groups.get(title(g)), COMMANDS.filter((c) => c.group === g).map(commandName), g);
    }
  });

  it('a short summary sits beside its command; a long one wraps under the summary column', async () => {
    const lines = (await runCli(['--help'])).stdout.split('\n');
    assert.ok(lines.includes("  gameday end       close the open game-day"));
    const i = lines.findIndex((l) => l.startsWith('  gate canary '));
    assert.match(lines[i]!, /^  gate canary {7}fidelity: provisions/);
    assert.match(lines[i + 1]!, /^ {20}\S/);
  });

  it('ends with the global options, the exit codes and where the flags are', async () => {
    const r = await runCli(['--help']);
    for (const name of Object.keys(GLOBAL_OPTIONS)) assert.match(r.stdout, new RegExp(`--${name}\\b`));
    assert.match(r.stdout, /^  -c, --config FILE  configuration file/m);
    assert.match(r.stdout, /^Exit codes:\n {2}0 ok\n {2}1 .+\n {2}2 usage.+\n {2}3 refused by the isolation guard$/m);
    assert.equal(r.stdout.trimEnd().split('\n').at(-1), "Run 'lab-tui help COMMAND' or 'lab-tui COMMAND --help' for a command's flags.");
  });

  it('--version still prints only the version', async () => {
    const r = await runCli(['help', '--version']);
    assert.equal(r.code, 0);
    assert.match(r.stdout.trim(), /^\d+\.\d+\.\d+/);
  });
});

describe('lab-tui help COMMAND', () => {
  it('help drill run and drill run --help print the same usage, summary and flags', async () => {
    const a = await runCli(['help', 'drill', 'run']);
    const b = await runCli(['drill', 'run', '--help']);
    assert.equal(a.code, 0);
    assert.equal(b.code, 0);
    assert.equal(a.stdout, b.stdout);
    assert.match(a.stdout, /^Usage: lab-tui drill run ID \[--autopilot\]/);
    assert.match(a.stdout, /^run a drill: steady state/m);
    assert.match(a.stdout, /^ {6}--autopilot {2,}run unattended/m);
    assert.match(a.stdout, /^ {6}--change REF {2,}\S/m);
    assert.match(b.stdout, /^ {6}--autopilot /m);
  });

  for (const c of commands) {
    const name = commandName(c);
    it(`${name}: fits in 80 columns, the same from help and --help, every flag described`, async () => {
      const viaHelp = await runCli(['help', ...c.path]);
      const viaFlag = await runCli([...c.path, '--help']);
      assert.equal(viaHelp.code, 0, viaHelp.stderr);
      assert.equal(viaHelp.stdout, viaFlag.stdout);
      assert.deepEqual(tooWide(viaHelp.stdout), []);
      assert.ok(viaHelp.stdout.startsWith(`Usage: lab-tui ${c.path.join(' ')}`), viaHelp.stdout);
      // The usage is wrapped, not changed: rejoined, it is the table's.
      const usage = viaHelp.stdout.split('\n\n')[0]!.replace(/^Usage: lab-tui /, '').replace(/\n +/g, (m, i, s: string) => (/[|,]$/.test(s.slice(0, i)) ? '' : ' '));
      assert.equal(usage, c.usage);
      for (const [flag, spec] of Object.entries(c.options)) {
        const line = new RegExp(`^  ${spec.short ? `-${spec.short}, ` : ' {4}'}--${flag}${spec.type === 'string' ? ' \\S+' : ''} {2,}\\S`, 'm');
        assert.match(viaHelp.stdout, line, `--${flag} of ${name}`);
      }
    });
  }

  it('every flag of every command has a description, and every description a flag', () => {
    for (const c of COMMANDS) {
      for (const flag of Object.keys(c.options)) assert.ok((c.descriptions as Record<string, string>)[flag]?.trim(), `${commandName(c)} --${flag} has no description`);
      assert.deepEqual(Object.keys(c.descriptions).sort(), Object.keys(c.options).sort(), commandName(c));
    }
    for (const flag of Object.keys(GLOBAL_OPTIONS)) assert.ok(GLOBAL_DESCRIPTIONS[flag]?.trim(), `--${flag}`);
  });

  it('a string flag shows the value name its usage gives it', async () => {
    const r = await runCli(['help', 'gate', 'idempotence']);
    assert.match(r.stdout, /^ {2}-i, --inventory I {2,}the Ansible inventory/m);
    assert.match(r.stdout, /^ {2}-l, --limit L {2,}/m);
    assert.match((await runCli(['help', 'report'])).stdout, /^ {6}--lang en\|fr {2,}/m);
  });

  it('help for an unknown command is a usage error (exit 2) listing the commands', async () => {
    const r = await runCli(['help', 'foo']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /unknown command "foo"/);
    for (const c of commands) assert.match(r.stderr, new RegExp(`^  ${commandName(c)} `, 'm'));
    assert.deepEqual(tooWide(r.stderr), []);
  });

  it('help for an incomplete command lists the ones it begins (exit 2)', async () => {
    const r = await runCli(['help', 'drill']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /expected one of: drill list, drill check, drill run/);
    assert.match(r.stderr, /^ {2}drill run {2,}run a drill/m);
    assert.doesNotMatch(r.stderr, /gate parity/);
  });
});

describe('help layout', () => {
  it('wraps at word boundaries; a label too wide for its column puts the text on the next line', () => {
    const rows = columns(
      [
        ['short', 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen'],
        ['a-label-much-wider-than-its-column', 'text'],
      ],
      2,
      10,
    );
    assert.deepEqual(rows, [
      '  short       one two three four five six seven eight nine ten eleven twelve',
      '              thirteen fourteen fifteen',
      '  a-label-much-wider-than-its-column',
      '              text',
    ]);
  });

  it('cuts a word longer than a line after a | and never exceeds the width', () => {
    const lines = wrapTokens(['fault', '<aaaa|bbbb|cccc|dddd>', 'x'], 12);
    assert.deepEqual(lines, ['fault <aaaa|', 'bbbb|cccc|', 'dddd> x']);
    assert.deepEqual(wrapTokens(['abcdefghijklmnop'], 5), ['abcde', 'fghij', 'klmno', 'p']);
  });
});
