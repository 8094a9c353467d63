import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GLOBAL_BINDINGS, keyName, keyNames } from '../../src/app/keymap.ts';
import { appReducer, initialApp, type AppState } from '../../src/app/app-reducer.ts';

const press = (state: AppState, ...names: string[]) => names.reduce((s, name) => appReducer(s, { type: 'key', name, visible: () => [] }), state);
const at = (s: AppState) => s.shell;

describe('app reducer: shell keys', () => {
  it('switches screens with digits', () => {
    assert.equal(at(press(initialApp, '3')).screen, 'drills');
    assert.equal(at(press(initialApp, '3', '1')).screen, 'dashboard');
  });

  it('jumps by name with the : command line, with prefixes', () => {
    assert.equal(at(press(initialApp, ':', 'g', 'a', 't', 'e', 's', 'enter')).screen, 'gates');
    assert.equal(at(press(initialApp, ':', 'e', 'v', 'i', 'enter')).screen, 'evidence');
    assert.match(at(press(initialApp, ':', 'e', 'v', 'enter')).message ?? '', /ambiguous: :evidence :events|ambiguous: :events :evidence/);
  });

  it('explains an unknown screen name and stays put', () => {
    const s = press(initialApp, ':', 'x', 'y', 'enter');
    assert.equal(s.shell.screen, 'dashboard');
    assert.match(s.shell.message ?? '', /unknown screen ":xy"/);
  });

  it('does not treat typed letters as bindings while the command line is open', () => {
    const s = press(initialApp, ':', 'q');
    assert.equal(s.shell.quitting, false);
    assert.equal(s.shell.cmdline, 'q');
    assert.equal(at(press(s, 'backspace', 'escape')).cmdline, undefined);
  });

  it('toggles help with ? and closes it with esc', () => {
    assert.equal(at(press(initialApp, '?')).help, true);
    assert.equal(at(press(initialApp, '?', '?')).help, false);
    assert.equal(at(press(initialApp, '?', 'escape')).help, false);
  });

  it('quits with q, ctrl+c and :q', () => {
    assert.equal(at(press(initialApp, 'q')).quitting, true);
    assert.equal(at(press(initialApp, ':', 'ctrl+c')).quitting, true);
    assert.equal(at(press(initialApp, ':', 'q', 'enter')).quitting, true);
  });

  it('names keys the way bindings are written', () => {
    assert.equal(keyName('c', { ctrl: true }), 'ctrl+c');
    assert.equal(keyName('', { escape: true }), 'escape');
    assert.equal(keyName('', { return: true }), 'enter');
    assert.equal(keyName('?', {}), '?');
    assert.deepEqual(keyNames('gates', {}), ['g', 'a', 't', 'e', 's'], 'a pasted or fast-typed chunk is split');
    assert.deepEqual(keyNames('', { return: true }), ['enter']);
    assert.deepEqual(keyNames('ev\r', {}), ['e', 'v', 'enter'], 'a chunk ending with Enter still submits');
  });

  it('binds every key at most once', () => {
    const keys = GLOBAL_BINDINGS.flatMap((b) => b.keys);
    assert.equal(new Set(keys).size, keys.length);
  });
});
