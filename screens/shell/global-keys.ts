import type { Binding, Ctx, Outcome } from '../keys/binding.ts';
import { goTo } from '../dashboard/state.ts';
import { SCREENS, type ScreenId, type UiState } from '../ui-state.ts';
import { resolveCommand } from './command-line.ts';
import { quit } from './quit.ts';

const toScreen = (ui: UiState, screen: ScreenId): UiState => ({ ...ui, screen, help: false, message: undefined });

/** Keys that work everywhere, below whatever the screen binds. */
export const GLOBAL_BINDINGS: readonly Binding[] = [
  { keys: ['?'], label: '?', description: 'help: every key of this screen', hint: 'help', run: (ctx) => ({ ui: { ...ctx.ui, help: !ctx.ui.help } }) },
  { keys: [':'], label: ':', description: 'go to a screen or view by name', hint: 'go to', run: (ctx) => ({ ui: { ...ctx.ui, cmdline: '', message: undefined } }) },
  ...SCREENS.map((s): Binding => ({ keys: [s.key], label: s.key, description: `${s.title} screen`, run: (ctx) => ({ ui: toScreen(ctx.ui, s.id) }) })),
  { keys: ['q', 'ctrl+c'], label: 'q', description: 'quit', hint: 'quit', run: (ctx) => quit(ctx) },
];

/** While `?` is open: it closes on esc or `?` (global keys still work below it). */
export const HELP_BINDINGS: readonly Binding[] = [{ keys: ['escape', '?'], label: 'esc', description: 'close the help', hint: 'close', run: (ctx) => ({ ui: { ...ctx.ui, help: false } }) }];

function submitCommand(ctx: Ctx): Outcome {
  const ui = ctx.ui;
  const name = (ui.cmdline ?? '').trim();
  const closed = { ...ui, cmdline: undefined, message: undefined };
  if (!name) return { ui: closed };
  if (name === 'q' || name === 'quit') return quit(ctx, closed);
  const target = resolveCommand(name);
  if ('error' in target) return { ui: { ...closed, message: target.error } };
  return { ui: { ...toScreen(closed, target.screen), dashboard: target.view ? goTo(ui.dashboard, target.view) : ui.dashboard } };
}

/** While the `:` line is open, keys are its text. */
export const CMDLINE_BINDINGS: readonly Binding[] = [
  { keys: ['enter'], label: 'enter', description: 'go there', hint: 'go', run: submitCommand },
  { keys: ['escape'], label: 'esc', description: 'close the command line', hint: 'cancel', run: (ctx) => ({ ui: { ...ctx.ui, cmdline: undefined } }) },
  { keys: ['backspace'], label: 'backspace', description: 'delete the last character', run: (ctx) => ({ ui: { ...ctx.ui, cmdline: (ctx.ui.cmdline ?? '').slice(0, -1) } }) },
  { keys: ['ctrl+c'], label: 'ctrl+c', description: 'quit', run: (ctx) => quit(ctx, { ...ctx.ui, cmdline: undefined }) },
  { keys: ['*'], label: 'text', description: 'a screen or view name', run: (ctx, key) => ({ ui: { ...ctx.ui, cmdline: (ctx.ui.cmdline ?? '') + key } }) },
];
