import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeskState, ProposalReview } from '../../engine/cockpit/types.ts';
import { manifestPath } from '../../engine/common/package-root.ts';
import { loadDrills } from '../../engine/drills/load-drill.ts';
import type { Phase } from '../../engine/runbook/run-view.ts';
import { activeBindings, bindingFor, dispatchKey } from '../../screens/dispatch.ts';
import { enabled, type Ctx } from '../../screens/keys/binding.ts';
import { helpRows } from '../../screens/shell/HelpOverlay.tsx';
import { PROMPTS } from '../../screens/shell/prompt.ts';
import { SCREENS, type UiState } from '../../screens/ui-state.ts';
import { doctorReport, failed, passed } from '../../engine/doctor/check.ts';
import { ctxOf, type KeyWorld } from '../helpers/keys.ts';
import { healthyRaw, snapshotOf } from '../helpers/raw-state.ts';
import { pickerDesk, shippedSection, walkthroughDesk } from '../helpers/runbook-desk-state.ts';

const snapshot = snapshotOf(healthyRaw());
const drills = loadDrills(manifestPath('drills'));
const vault = shippedSection('vault-unseal-vso-re-auth');
const desk = (extra: Partial<DeskState> = {}) => pickerDesk({ drills, ...extra });
const review: ProposalReview = { runFile: '/r.jsonl', runId: 'r', status: 'review', edits: [{ id: 'imp-1', kind: 'improvised-step', section: 's', afterLine: 3, markdown: 'x', summary: 'y', dropped: false }] };
const failing = doctorReport('/c.yaml', [passed('configuration', 'configuration', 'ok'), failed('tools', 'tools', 'kubectl not found', 'install kubectl')]);
const refusedReport = doctorReport('/c.yaml', [failed('key-file', 'key file', 'a prod key file', 'point it elsewhere', true)]);
const PHASES: Phase[] = [{ kind: 'starting' }, { kind: 'operator' }, { kind: 'confirm' }, { kind: 'running' }, { kind: 'verifying', probe: 'vault.unsealed' }, { kind: 'blocked', detail: 'd' }, { kind: 'failed', detail: 'd' }, { kind: 'finished', status: 'failed' }];

/** Every state a screen can be in that changes its keys. */
const WORLDS: [string, KeyWorld][] = [
  ...SCREENS.map((s): [string, KeyWorld] => [`${s.id} screen`, { ui: { screen: s.id }, desk: desk(), snapshot }]),
  ...SCREENS.map((s): [string, KeyWorld] => [`${s.id} screen before the sandbox answers`, { ui: { screen: s.id } }]),
  ...PHASES.map((phase): [string, KeyWorld] => [`walkthrough ${phase.kind}`, { ui: { screen: 'runbooks' }, desk: walkthroughDesk(vault, { phase, current: 1, steps: [{ status: 'failed' }] }), snapshot }]),
  ...PHASES.map((phase): [string, KeyWorld] => [`drill in hand ${phase.kind}`, { ui: { screen: 'drills' }, desk: { ...walkthroughDesk(vault, { phase }), drills, drill: {} as never }, snapshot }]),
  ['proposal review', { ui: { screen: 'runbooks' }, desk: desk({ proposal: review }), snapshot }],
  ['drill confirming', { ui: { screen: 'drills', drills: { list: { index: 0 }, confirming: drills[0]!.id } }, desk: desk(), snapshot }],
  ['evidence timeline', { ui: { screen: 'evidence', evidence: { list: { index: 0 }, open: '/e/r.jsonl', scroll: 0 } }, desk: desk(), snapshot }],
  ['prompt', { ui: { screen: 'runbooks', prompt: PROMPTS.fail }, desk: walkthroughDesk(vault, { phase: { kind: 'operator' } }), snapshot }],
  ['command line', { ui: { screen: 'gates', cmdline: 'ga' }, desk: desk(), snapshot }],
  ['help', { ui: { screen: 'gates', help: true } as Partial<UiState>, desk: desk(), snapshot }],
  ['refusal', { ui: { screen: 'drills' }, desk: desk(), snapshot, refused: true }],
  ['runbook-only game-day on the dashboard', { desk: desk(), snapshot, runbookOnly: true }],
  ['doctor screen: a check failed on start', { desk: desk(), snapshot, doctor: { report: failing, running: false, canContinue: true } }],
  ['doctor screen: re-running', { desk: desk(), snapshot, doctor: { report: failing, running: true, canContinue: true } }],
  ['doctor screen: the guard refuses, no continuing', { doctor: { report: refusedReport, running: false, canContinue: 'the isolation guard refuses this sandbox (key file): fix it, then r' } }],
  ['doctor screen dismissed', { ui: { doctorDismissed: true }, desk: desk(), snapshot, doctor: { report: failing, running: false, canContinue: true } }],
];

/** Keys an operator can press: every printable ASCII character and the named keys. */
const KEYS = [...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)), 'enter', 'escape', 'tab', 'shift+tab', 'backspace', 'up', 'down', 'left', 'right', 'pageup', 'pagedown', 'home', 'end', 'ctrl+c'];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

describe('key tables: what is listed is what works', () => {
  for (const [name, world] of WORLDS) {
    it(name, () => {
      const ctx: Ctx = ctxOf(world);
      const active = activeBindings(ctx);
      const listed = new Set(active.flatMap((b) => b.keys));
      for (const key of KEYS) {
        const out = dispatchKey(ctx, key);
        const didSomething = !same(out.ui, ctx.ui) || (out.intents?.length ?? 0) > 0;
        const reached = bindingFor(ctx, key);
        if (didSomething) assert.ok(reached && (listed.has(key) || listed.has('*')), `${name}: "${key}" acts but is not in the key table`);
        if (reached && enabled(reached.binding, ctx) !== true) assert.match(out.ui.message ?? '', new RegExp(`^${reached.binding.label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `), `${name}: disabled "${key}" says why`);
      }
      for (const b of active) assert.ok(b.description && b.label && typeof b.run === 'function', `${name}: ${b.label} has a description and an action`);
      // The ? overlay lists exactly the active bindings (the text-entry catch-all aside), a disabled one with its reason.
      const help = helpRows(ctx.ui.help ? ctx : { ...ctx });
      const expected = activeBindings({ ...ctx, ui: { ...ctx.ui, help: false } }).filter((b) => !b.keys.includes('*'));
      assert.deepEqual(help.map((r) => r.description), expected.map((b) => b.description), `${name}: ? lists the dispatcher's bindings`);
      for (const r of help.filter((x) => x.disabled)) assert.ok(expected.some((b) => b.description === r.description && enabled(b, { ...ctx, ui: { ...ctx.ui, help: false } }) === r.disabled));
    });
  }
});
