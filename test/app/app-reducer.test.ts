import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GLOBAL_BINDINGS, keyName } from '../../src/app/keymap.ts';
import { initialShell, shellReducer, type ShellState } from '../../src/app/shell-reducer.ts';

const press = (state: ShellState, ...names: string[]) => names.reduce((s, name) => shellReducer(s, { type: 'key', name }), state);

describe('shell reducer', () => {
  it('switches screens with digits', () => {
    assert.equal(press(initialShell, '3').screen, 'drills');
    assert.equal(press(initialShell, '3', '1').screen, 'dashboard');
  });

  it('jumps by name with the : command line, with prefixes', () => {
    assert.equal(press(initialShell, ':', 'g', 'a', 't', 'e', 's', 'enter').screen, 'gates');
    assert.equal(press(initialShell, ':', 'e', 'v', 'enter').screen, 'evidence');
  });

  it('explains an unknown screen name and stays put', () => {
    const s = press(initialShell, ':', 'x', 'y', 'enter');
    assert.equal(s.screen, 'dashboard');
    assert.match(s.message ?? '', /unknown screen ":xy"/);
  });

  it('does not treat typed letters as bindings while the command line is open', () => {
    const s = press(initialShell, ':', 'q');
    assert.equal(s.quitting, false);
    assert.equal(s.cmdline, 'q');
    assert.equal(press(s, 'backspace', 'escape').cmdline, undefined);
  });

  it('toggles help with ? and closes it with esc', () => {
    assert.equal(press(initialShell, '?').help, true);
    assert.equal(press(initialShell, '?', '?').help, false);
    assert.equal(press(initialShell, '?', 'escape').help, false);
  });

  it('quits with q, ctrl+c and :q', () => {
    assert.equal(press(initialShell, 'q').quitting, true);
    assert.equal(press(initialShell, ':', 'ctrl+c').quitting, true);
    assert.equal(press(initialShell, ':', 'q', 'enter').quitting, true);
  });

  it('names keys the way bindings are written', () => {
    assert.equal(keyName('c', { ctrl: true }), 'ctrl+c');
    assert.equal(keyName('', { escape: true }), 'escape');
    assert.equal(keyName('', { return: true }), 'enter');
    assert.equal(keyName('?', {}), '?');
  });

  it('binds every key at most once', () => {
    const keys = GLOBAL_BINDINGS.flatMap((b) => b.keys);
    assert.equal(new Set(keys).size, keys.length);
  });
});
