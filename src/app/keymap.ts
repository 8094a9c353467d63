import { DASHBOARD_BINDINGS } from './dashboard/dashboard-keys.ts';
import { SCREENS, type ScreenId } from './screens.ts';
import type { ShellAction } from './shell-reducer.ts';

/**
 * Key bindings as data: the dispatcher, the hint bar and the `?` overlay all read this
 * table, so the help can never drift from what the keys really do.
 */
export interface Binding<A = unknown> {
  keys: string[];
  /** How the key is written in the hint bar and help, e.g. `?`, `1-5`, `ctrl+c`. */
  label: string;
  description: string;
  action: A;
  dangerous?: boolean;
  /** Short text for the always-visible hint bar; bindings without one appear only in `?`. */
  hint?: string;
}

export const GLOBAL_BINDINGS: readonly Binding<ShellAction>[] = [
  { keys: ['?'], label: '?', description: 'help: every key', action: { type: 'help.toggle' }, hint: 'help' },
  { keys: [':'], label: ':', description: 'go to a screen or view by name', action: { type: 'cmdline.open' }, hint: 'go to' },
  ...SCREENS.map((s) => ({ keys: [s.key], label: s.key, description: `${s.title} screen`, action: { type: 'screen', id: s.id } as ShellAction })),
  { keys: ['q', 'ctrl+c'], label: 'q', description: 'quit', action: { type: 'quit' }, hint: 'quit' },
];

export interface KeyLike {
  ctrl?: boolean;
  meta?: boolean;
  escape?: boolean;
  return?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  shift?: boolean;
}

/**
 * Key names for one stdin chunk. Fast typing and pastes arrive as several characters
 * in one chunk; each becomes its own key so nothing typed is lost.
 */
export function keyNames(input: string, key: KeyLike): string[] {
  const name = keyName(input, key);
  return name === input && input.length > 1 ? [...input].map((c) => CONTROL_CHARS[c] ?? c) : [name];
}

const CONTROL_CHARS: Record<string, string> = { '\r': 'enter', '\n': 'enter', '\t': 'tab', '\x7f': 'backspace', '\b': 'backspace' };

/** One name per keypress, so bindings are plain strings. */
export function keyName(input: string, key: KeyLike): string {
  if (key.ctrl && input) return `ctrl+${input.toLowerCase()}`;
  if (key.escape) return 'escape';
  if (key.return) return 'enter';
  if (key.tab) return key.shift ? 'shift+tab' : 'tab';
  if (key.backspace || key.delete) return 'backspace';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  return input;
}

export function findBinding<A>(bindings: readonly Binding<A>[], name: string): Binding<A> | undefined {
  return bindings.find((b) => b.keys.includes(name));
}

/** What `?` and the hint bar show on a screen: its own keys first (`own` when they depend on state), then the global ones. */
export function bindingsFor(screen: ScreenId, own: readonly Binding[] = []): readonly Binding[] {
  return [...(screen === 'dashboard' ? DASHBOARD_BINDINGS : own), ...GLOBAL_BINDINGS];
}
