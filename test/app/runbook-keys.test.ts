import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeskIntent, DeskState } from '../../engine/cockpit/types.ts';
import type { Phase } from '../../engine/runbook/run-view.ts';
import { parseRunbook } from '../../engine/runbook/parse-runbook.ts';
import { bindingFor, dispatchKey } from '../../screens/dispatch.ts';
import type { Ctx } from '../../screens/keys/binding.ts';
import { selectedIndex } from '../../screens/list/list-model.ts';
import { walkthroughBindings } from '../../screens/runbooks/walkthrough-keys.ts';
import type { UiState } from '../../screens/ui-state.ts';
import { ctxOf, press as pressBurst } from '../helpers/keys.ts';
import { PICKER_SECTIONS, pickerDesk, shippedSection, walkthroughDesk } from '../helpers/runbook-desk-state.ts';

/**
 * Presses keys on the Runbooks screen; keys the screen (or its prompt) does not bind are left to
 * the shell and listed as unhandled, not pressed.
 */
function press(desk: DeskState, ...keys: string[]): { ui: UiState & { selected: number }; intents: DeskIntent[]; unhandled: string[] } {
  let ctx: Ctx = ctxOf({ desk, ui: { screen: 'runbooks' } });
  const intents: DeskIntent[] = [];
  const unhandled: string[] = [];
  for (const k of keys) {
    const found = bindingFor(ctx, k);
    if (!found || found.layer === 'global') {
      unhandled.push(k);
      continue;
    }
    const out = dispatchKey(ctx, k);
    ctx = { ...ctx, ui: out.ui };
    intents.push(...(out.intents ?? []));
  }
  const selected = selectedIndex(ctx.ui.runbooks.list, desk.sections.map((s) => `${s.file}#${s.section}`));
  return { ui: { ...ctx.ui, selected }, intents, unhandled };
}

const vault = shippedSection('vault-unseal-vso-re-auth');
/** A [HUMAN] step with an engine action (assist), then an [AGENT] step with one. */
const assisted = parseRunbook(
  '/virtual/ASSIST.md',
  '## Assisted\n\n1. [HUMAN] Unseal Vault (or let lab-tui do it)\n   ```lab\n   action: vault.unseal\n   ```\n2. [AGENT] Unseal again\n   ```lab\n   action: vault.unseal\n   ```\n',
).sections[0]!;

const at = (phase: Phase, current = 0, section = vault) => walkthroughDesk(section, { phase, current });
const PHASES: Phase[] = [
  { kind: 'starting' },
  { kind: 'operator' },
  { kind: 'confirm' },
  { kind: 'running' },
  { kind: 'verifying', probe: 'vault.unsealed' },
  { kind: 'blocked', detail: 'vault.sealed: Vault is unsealed' },
  { kind: 'failed', detail: 'failed: exit 3' },
  { kind: 'finished', status: 'passed' },
];

describe('runbook keys: the picker', () => {
  it('moves the selection with j/k and the arrows, clamped to the list', () => {
    const desk = pickerDesk();
    assert.equal(press(desk, 'j').ui.selected, 1);
    assert.equal(press(desk, 'down', 'down').ui.selected, 2);
    assert.equal(press(desk, 'j', 'j', 'j', 'j').ui.selected, PICKER_SECTIONS.length - 1, 'not past the last');
    assert.equal(press(desk, 'j', 'k').ui.selected, 0);
    assert.equal(press(desk, 'up', 'k').ui.selected, 0, 'not before the first');
    assert.equal(press(pickerDesk({ sections: [] }), 'j').ui.selected, 0, 'an empty list stays at 0');
  });

  it('enter starts a run of the selected procedure', () => {
    assert.deepEqual(press(pickerDesk(), 'enter').intents, [{ type: 'start', file: PICKER_SECTIONS[0]!.file, section: 'node-loss-reschedule' }]);
    assert.deepEqual(press(pickerDesk(), 'j', 'j', 'enter').intents, [{ type: 'start', file: PICKER_SECTIONS[2]!.file, section: 'pki-re-issue' }]);
    assert.deepEqual(press(pickerDesk({ sections: [] }), 'enter').intents, [], 'nothing to start');
  });

  it('R resumes only a procedure whose last run was interrupted', () => {
    const resumed = press(pickerDesk(), 'j', 'R');
    assert.deepEqual(resumed.intents, [{ type: 'resume', file: PICKER_SECTIONS[1]!.lastRun!.file }]);
    for (const keys of [['R'], ['j', 'j', 'R']]) {
      const r = press(pickerDesk(), ...keys);
      assert.deepEqual(r.intents, [], `${keys.join(' ')}: never run / passed`);
      assert.equal(r.ui.message, 'R: no interrupted run of this procedure to resume');
    }
    assert.deepEqual(press(pickerDesk(), 'r').unhandled, ['r'], 'lower-case r is not resume');
  });

  it('leaves other keys to the shell (q, digits, ?, :)', () => {
    assert.deepEqual(press(pickerDesk(), 'q', '1', '?', ':', 'x', 'f', 'i').unhandled, ['q', '1', '?', ':', 'x', 'f', 'i']);
  });
});

describe('runbook keys: prompts', () => {
  const operator = at({ kind: 'operator' });

  it('f opens the note prompt; typed keys append, backspace deletes, enter emits fail with the note', () => {
    const opened = press(operator, 'f');
    assert.deepEqual(opened.ui.prompt, { purpose: 'fail', label: 'why did it fail', text: '' });
    const typed = press(operator, 'f', 'n', 'o', ' ', 'b', 'o', 'o', 't', 'x', 'backspace');
    assert.equal(typed.ui.prompt?.text, 'no boot');
    assert.deepEqual(typed.intents, []);
    const done = press(operator, 'f', ...' no boot '.split(''), 'enter');
    assert.deepEqual(done.intents, [{ type: 'fail', note: 'no boot' }], 'the note is trimmed');
    assert.equal(done.ui.prompt, undefined);
    assert.equal(done.ui.message, undefined);
  });

  it('keys that are bindings elsewhere are typed while a prompt is open', () => {
    const r = press(operator, 'f', 'q', 'x', 'r', '1', ':', '?', 'i', 's', 'enter');
    assert.deepEqual(r.intents, [{ type: 'fail', note: 'qxr1:?is' }]);
    assert.deepEqual(r.unhandled, []);
  });

  it('keys with names (tab, arrows) type nothing; backspace on empty text stays empty', () => {
    const r = press(operator, 'f', 'tab', 'up', 'left', 'backspace', 'a');
    assert.equal(r.ui.prompt?.text, 'a');
  });

  it('escape cancels without an intent', () => {
    const r = press(operator, 'f', 'a', 'b', 'escape');
    assert.equal(r.ui.prompt, undefined);
    assert.deepEqual(r.intents, []);
    // After cancelling, enter is "done" again.
    assert.deepEqual(press(operator, 'f', 'escape', 'enter').intents, [{ type: 'done' }]);
  });

  it('enter with empty (or blank) text keeps the prompt open and says what is asked', () => {
    for (const keys of [['f', 'enter'], ['f', ' ', ' ', 'enter']]) {
      const r = press(operator, ...keys);
      assert.deepEqual(r.intents, []);
      assert.equal(r.ui.prompt?.purpose, 'fail');
      assert.equal(r.ui.message, 'why did it fail? (esc cancels)');
    }
    const skip = press(operator, 's', 'enter');
    assert.equal(skip.ui.prompt?.purpose, 'skip');
    assert.equal(skip.ui.message, 'why skip it? (esc cancels)');
    // The message goes once the prompt is answered or cancelled.
    assert.equal(press(operator, 'f', 'enter', 'escape').ui.message, undefined);
    assert.equal(press(operator, 'f', 'enter', 'o', 'k', 'enter').ui.message, undefined);
  });

  it('s asks a reason and emits skip', () => {
    const r = press(operator, 's', 'n', 'o', 't', ' ', 'n', 'o', 'w', 'enter');
    assert.deepEqual(r.intents, [{ type: 'skip', reason: 'not now' }]);
    assert.equal(r.ui.prompt, undefined);
    assert.deepEqual(press(at({ kind: 'confirm' }), 's', 'x', 'enter').intents, [{ type: 'skip', reason: 'x' }]);
    assert.deepEqual(press(at({ kind: 'blocked', detail: 'd' }), 's', 'y', 'enter').intents, [{ type: 'skip', reason: 'y' }]);
    assert.deepEqual(press(at({ kind: 'blocked', detail: 'd' }), 'f', 'z', 'enter').intents, [{ type: 'fail', note: 'z' }]);
  });

  it('i asks what was done, then a command: improvise with the command', () => {
    const text = press(operator, 'i', 'l', 'o', 'g', 's');
    assert.deepEqual(text.ui.prompt, { purpose: 'improvise', label: 'what did you do', text: 'logs' });
    const asked = press(operator, 'i', 'l', 'o', 'g', 's', 'enter');
    assert.deepEqual(asked.intents, []);
    assert.deepEqual(asked.ui.prompt, { purpose: 'improvise-command', label: 'command to run (enter for none)', text: '', improvised: 'logs' });
    const r = press(operator, 'i', 'l', 'o', 'g', 's', 'enter', ...'kubectl logs x'.split(''), 'enter');
    assert.deepEqual(r.intents, [{ type: 'improvise', text: 'logs', command: 'kubectl logs x' }]);
    assert.equal(r.ui.prompt, undefined);
  });

  it('i with an empty command improvises without one; an empty text closes the prompt', () => {
    const r = press(operator, 'i', 'r', 'e', 'a', 'd', 'enter', 'enter');
    assert.deepEqual(r.intents, [{ type: 'improvise', text: 'read' }]);
    assert.ok(!('command' in (r.intents[0] as object)), 'no command key at all');
    const blank = press(operator, 'i', 'r', 'enter', ' ', ' ', 'enter');
    assert.deepEqual(blank.intents, [{ type: 'improvise', text: 'r' }]);
    const none = press(operator, 'i', 'enter');
    assert.deepEqual(none.intents, []);
    assert.equal(none.ui.prompt, undefined);
    const cancelled = press(operator, 'i', 'r', 'enter', 'escape');
    assert.deepEqual(cancelled.intents, []);
    assert.equal(cancelled.ui.prompt, undefined);
  });

  it('improvise is offered in every phase where the run waits or runs, not once it finished', () => {
    for (const phase of PHASES) {
      const offered = press(at(phase), 'i').ui.prompt?.purpose === 'improvise';
      assert.equal(offered, !['starting', 'finished'].includes(phase.kind), phase.kind);
    }
  });
});

describe('runbook keys: what each phase takes', () => {
  /** The intent one key gives in a phase: an intent, 'prompt:<purpose>', or undefined when not bound. */
  function outcome(desk: DeskState, key: string): string | undefined {
    const ctx = ctxOf({ desk, ui: { screen: 'runbooks' } });
    if (bindingFor(ctx, key)?.layer !== 'screen') return undefined;
    const r = dispatchKey(ctx, key);
    if (r.intents?.length) return r.intents[0]!.type;
    return r.ui.prompt ? `prompt:${r.ui.prompt.purpose}` : 'nothing';
  }

  const KEYS = ['enter', 'f', 's', 'a', 'r', 'x', 'ctrl+c', 'i', 'R', 'j'];
  const table = (desk: DeskState) => Object.fromEntries(KEYS.map((k) => [k, outcome(desk, k)]).filter(([, v]) => v !== undefined));

  it('operator ([HUMAN] step): enter done, f failed, s skip, i improvise; no assist without an action', () => {
    assert.deepEqual(table(at({ kind: 'operator' })), { enter: 'done', f: 'prompt:fail', s: 'prompt:skip', i: 'prompt:improvise' });
  });

  it('a assists only a [HUMAN] step that has an engine action', () => {
    assert.equal(outcome(at({ kind: 'operator' }, 0, assisted), 'a'), 'assist');
    // Step 2 is an [AGENT] step with an action: nothing to assist.
    assert.equal(outcome(walkthroughDesk(assisted, { phase: { kind: 'operator' }, current: 1 }), 'a'), undefined);
    // Vault step 1 is [HUMAN] with only requires: nothing to assist.
    assert.equal(outcome(at({ kind: 'operator' }, 0), 'a'), undefined);
    assert.equal(outcome(at({ kind: 'failed', detail: 'x' }, 0, assisted), 'a'), undefined, 'only while the operator has the step');
  });

  it('confirm (--paranoid): enter confirms, s skips', () => {
    assert.deepEqual(table(at({ kind: 'confirm' })), { enter: 'confirm', s: 'prompt:skip', i: 'prompt:improvise' });
  });

  it('running and verifying: x and ctrl+c abort; enter does nothing', () => {
    for (const phase of [{ kind: 'running' }, { kind: 'verifying', probe: 'vault.unsealed' }] as Phase[])
      assert.deepEqual(table(at(phase)), { x: 'abort', 'ctrl+c': 'abort', i: 'prompt:improvise' }, phase.kind);
  });

  it('x aborts only while running or verifying', () => {
    for (const phase of PHASES) assert.equal(outcome(at(phase), 'x') === 'abort', phase.kind === 'running' || phase.kind === 'verifying', phase.kind);
  });

  it('blocked: r retries, s skips, f marks failed', () => {
    assert.deepEqual(table(at({ kind: 'blocked', detail: 'vault.sealed: no' })), { f: 'prompt:fail', s: 'prompt:skip', r: 'retry', i: 'prompt:improvise' });
  });

  it('failed: r retries, enter continues', () => {
    assert.deepEqual(table(at({ kind: 'failed', detail: 'failed: exit 3' })), { enter: 'continue', r: 'retry', i: 'prompt:improvise' });
  });

  it('finished: enter goes back (dismiss), nothing else', () => {
    for (const status of ['passed', 'failed', 'aborted'] as const) assert.deepEqual(table(at({ kind: 'finished', status })), { enter: 'dismiss' });
  });

  it('starting: no key of the screen', () => {
    assert.deepEqual(table(at({ kind: 'starting' })), {});
  });

  it('the picker keys are not taken while a run is in hand', () => {
    for (const phase of PHASES) {
      assert.equal(outcome(at(phase), 'j'), undefined, phase.kind);
      assert.equal(outcome(at(phase), 'R'), undefined, phase.kind);
    }
  });

  it('the hint bar table and the dispatcher agree: every bound key of a phase is handled', () => {
    for (const phase of PHASES)
      for (const b of walkthroughBindings(phase, at(phase, 0, assisted)))
        for (const k of b.keys) assert.notEqual(outcome(at(phase, 0, assisted), k), undefined, `${phase.kind} ${k}`);
  });
});

describe('the dispatcher on the Runbooks screen', () => {
  const on = (desk: DeskState | undefined, ...keys: string[]) => pressBurst({ desk, ui: { screen: 'runbooks' } }, ...keys);

  it('ctrl+c while a step runs or verifies aborts it instead of quitting', () => {
    for (const phase of [{ kind: 'running' }, { kind: 'verifying', probe: 'vault.unsealed' }] as Phase[]) {
      const r = on(at(phase), 'ctrl+c');
      assert.equal(r.ui.quitting, false, phase.kind);
      assert.deepEqual(r.intents, [{ type: 'abort' }], phase.kind);
    }
  });

  it('every abort pressed is sent: two ctrl+c, two intents', () => {
    assert.deepEqual(on(at({ kind: 'running' }), 'ctrl+c', 'ctrl+c').intents, [{ type: 'abort' }, { type: 'abort' }]);
  });

  it('ctrl+c quits otherwise: picker, other phases, another screen, no desk', () => {
    assert.equal(on(pickerDesk(), 'ctrl+c').ui.quitting, true, 'picker');
    for (const phase of PHASES.filter((p) => p.kind !== 'running' && p.kind !== 'verifying')) {
      const r = on(at(phase), 'ctrl+c');
      assert.equal(r.ui.quitting, true, phase.kind);
      assert.deepEqual(r.intents, [], phase.kind);
    }
    assert.equal(pressBurst({ desk: at({ kind: 'running' }) }, 'ctrl+c').ui.quitting, true, 'on the dashboard');
    assert.equal(on(undefined, 'ctrl+c').ui.quitting, true, 'no desk');
  });

  it('ctrl+c while a prompt is open during a running step still aborts: it is never swallowed', () => {
    const r = on(at({ kind: 'running' }), 'i', 'a', 'ctrl+c');
    assert.deepEqual(r.intents, [{ type: 'abort' }]);
    assert.equal(r.ui.prompt, undefined);
  });

  it('screen keys go to the walkthrough first; typed text does not switch screens or quit', () => {
    const desk = at({ kind: 'operator' });
    const r = on(desk, 'f', 'q', '1', 'enter');
    assert.equal(r.ui.screen, 'runbooks');
    assert.equal(r.ui.quitting, false);
    assert.deepEqual(r.intents, [{ type: 'fail', note: 'q1' }]);
    assert.deepEqual(on(pickerDesk(), 'j', 'enter').intents, [{ type: 'start', file: PICKER_SECTIONS[1]!.file, section: 'vault-unseal-vso-re-auth' }]);
    // Keys the screen does not bind still reach the shell.
    assert.equal(on(pickerDesk(), '1').ui.screen, 'dashboard');
    assert.equal(on(desk, 'q').ui.quitting, true);
  });

  it('runbook keys are not read on other screens, with help open, or while the : line is open', () => {
    const desk = pickerDesk();
    assert.deepEqual(pressBurst({ desk }, 'j', 'enter').intents, [], 'dashboard');
    assert.deepEqual(on(desk, '?', 'j', 'enter').intents, [], 'help open');
    const cmd = on(desk, ':', 'j');
    assert.equal(cmd.ui.cmdline, 'j');
    assert.deepEqual(on(desk, 'enter').intents.map((i) => i.type), ['start']);
    assert.deepEqual(on(undefined, 'enter').intents, [], 'no desk yet');
  });

  it('a burst of keys (one terminal read) is handled key by key, every intent in order', () => {
    const beforeLast = PICKER_SECTIONS.at(-2)!;
    assert.deepEqual(on(pickerDesk(), 'j', 'j', 'G', 'k', 'enter').intents, [{ type: 'start', file: beforeLast.file, section: beforeLast.section }]);
    const paste = 'restarted the vso pod by hand!';
    assert.equal(paste.length, 30);
    const r = on(at({ kind: 'operator' }), 'i', ...paste, 'enter', 'enter', 'enter');
    assert.deepEqual(r.intents, [{ type: 'improvise', text: paste }, { type: 'done' }]);
  });
});
