import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyName, keyNames } from '../../screens/keys/key-names.ts';
import { GLOBAL_BINDINGS } from '../../screens/shell/global-keys.ts';
import { manifestPath } from '../../engine/common/package-root.ts';
import { loadDrills } from '../../engine/drills/load-drill.ts';
import { selectedId } from '../../screens/list/list-model.ts';
import { press } from '../helpers/keys.ts';
import { pickerDesk } from '../helpers/runbook-desk-state.ts';

const shell = (...keys: string[]) => press({}, ...keys).ui;

describe('shell keys', () => {
  it('switches screens with digits', () => {
    assert.equal(shell('3').screen, 'drills');
    assert.equal(shell('3', '1').screen, 'dashboard');
  });

  it('jumps by name with the : command line, with prefixes', () => {
    assert.equal(shell(':', 'g', 'a', 't', 'e', 's', 'enter').screen, 'gates');
    assert.equal(shell(':', 'e', 'v', 'i', 'enter').screen, 'evidence');
    assert.match(shell(':', 'e', 'v', 'enter').message ?? '', /ambiguous: :evidence :events|ambiguous: :events :evidence/);
  });

  it('explains an unknown screen name and stays put', () => {
    const ui = shell(':', 'x', 'y', 'enter');
    assert.equal(ui.screen, 'dashboard');
    assert.match(ui.message ?? '', /unknown screen ":xy"/);
  });

  it('does not treat typed letters as bindings while the command line is open', () => {
    const { ui, ctx } = press({}, ':', 'q');
    assert.equal(ui.quitting, false);
    assert.equal(ui.cmdline, 'q');
    assert.equal(press(ctx, 'backspace', 'escape').ui.cmdline, undefined);
  });

  it('toggles help with ? and closes it with esc', () => {
    assert.equal(shell('?').help, true);
    assert.equal(shell('?', '?').help, false);
    assert.equal(shell('?', 'escape').help, false);
  });

  it('quits with q, ctrl+c and :q', () => {
    assert.equal(shell('q').quitting, true);
    assert.equal(shell(':', 'ctrl+c').quitting, true);
    assert.equal(shell(':', 'q', 'enter').quitting, true);
  });

  it('a refusal leaves only the global keys', () => {
    assert.equal(press({ refused: true }, '2').ui.screen, 'runbooks');
    assert.equal(press({ refused: true }, 'q').ui.quitting, true);
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

  it('a burst read in one go ("jjG", then two enters) is handled key by key: the drill aimed at is the one injected', () => {
    const drills = loadDrills(manifestPath('drills'));
    const desk = pickerDesk({ drills });
    const burst = press({ desk, ui: { screen: 'drills' } }, ...keyNames('jjG', {}));
    assert.equal(selectedId(burst.ui.drills.list, drills.map((d) => d.id)), drills.at(-1)!.id);
    const injected = press(burst.ctx, ...keyNames('\r\r', {}));
    assert.deepEqual(injected.intents, [{ type: 'drill', id: drills.at(-1)!.id }]);
  });

  it('binds every global key at most once', () => {
    const keys = GLOBAL_BINDINGS.flatMap((b) => b.keys);
    assert.equal(new Set(keys).size, keys.length);
  });
});
