import { SCREENS } from './screens.ts';
import type { ShellAction } from './shell-reducer.ts';

/**
 * Key bindings as data: the dispatcher, the hint bar and the `?` overlay all read this
 * table, so the help can never drift from what the keys really do.
 */
export interface Binding {
  keys: string[];
  /** How the key is written in the hint bar and help, e.g. `?`, `1-5`, `ctrl+c`. */
  label: string;
  description: string;
  action: ShellAction;
  dangerous?: boolean;
  /** Shown in the always-visible hint bar (the rest only in `?`). */
  hint?: boolean;
}

export const GLOBAL_BINDINGS: readonly Binding[] = [
  { keys: ['?'], label: '?', description: 'help: every key', action: { type: 'help.toggle' }, hint: true },
  { keys: [':'], label: ':', description: 'go to a screen by name (:dashboard, :runbooks, :drills, :gates, :evidence)', action: { type: 'cmdline.open' }, hint: true },
  ...SCREENS.map((s) => ({ keys: [s.key], label: s.key, description: `${s.title} screen`, action: { type: 'screen', id: s.id } as ShellAction })),
  { keys: ['q', 'ctrl+c'], label: 'q', description: 'quit (the terminal is restored)', action: { type: 'quit' }, hint: true },
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

export function findBinding(bindings: readonly Binding[], name: string): Binding | undefined {
  return bindings.find((b) => b.keys.includes(name));
}
