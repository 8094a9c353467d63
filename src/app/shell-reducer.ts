import { findBinding, GLOBAL_BINDINGS } from './keymap.ts';
import { screenByName, type ScreenId } from './screens.ts';

export interface ShellState {
  screen: ScreenId;
  help: boolean;
  /** `:` command line being typed, undefined when closed. */
  cmdline?: string;
  /** Last message shown in the status line (e.g. an unknown `:` command). */
  message?: string;
  quitting: boolean;
}

export type ShellAction =
  | { type: 'screen'; id: ScreenId }
  | { type: 'help.toggle' }
  | { type: 'help.close' }
  | { type: 'cmdline.open' }
  | { type: 'cmdline.type'; text: string }
  | { type: 'cmdline.backspace' }
  | { type: 'cmdline.submit' }
  | { type: 'cmdline.cancel' }
  | { type: 'quit' }
  | { type: 'key'; name: string };

export const initialShell: ShellState = { screen: 'dashboard', help: false, quitting: false };

export function shellReducer(state: ShellState, action: ShellAction): ShellState {
  switch (action.type) {
    case 'screen':
      return { ...state, screen: action.id, help: false, message: undefined };
    case 'help.toggle':
      return { ...state, help: !state.help };
    case 'help.close':
      return { ...state, help: false };
    case 'cmdline.open':
      return { ...state, cmdline: '', message: undefined };
    case 'cmdline.type':
      return state.cmdline === undefined ? state : { ...state, cmdline: state.cmdline + action.text };
    case 'cmdline.backspace':
      return state.cmdline === undefined ? state : { ...state, cmdline: state.cmdline.slice(0, -1) };
    case 'cmdline.cancel':
      return { ...state, cmdline: undefined };
    case 'cmdline.submit': {
      const name = (state.cmdline ?? '').trim();
      if (name === 'q' || name === 'quit') return { ...state, cmdline: undefined, quitting: true };
      const target = name ? screenByName(name) : undefined;
      if (!target) return { ...state, cmdline: undefined, message: name ? `unknown screen ":${name}" (try :dashboard, :runbooks, :drills, :gates, :evidence)` : undefined };
      return { ...state, cmdline: undefined, screen: target.id, help: false, message: undefined };
    }
    case 'quit':
      return { ...state, quitting: true };
    case 'key':
      return reduceKey(state, action.name);
  }
}

/** Keys are interpreted here, not in components, so the whole keyboard is unit-testable. */
function reduceKey(state: ShellState, name: string): ShellState {
  if (name === 'ctrl+c') return shellReducer(state, { type: 'quit' });
  if (state.cmdline !== undefined) {
    if (name === 'escape') return shellReducer(state, { type: 'cmdline.cancel' });
    if (name === 'enter') return shellReducer(state, { type: 'cmdline.submit' });
    if (name === 'backspace') return shellReducer(state, { type: 'cmdline.backspace' });
    return name.length === 1 ? shellReducer(state, { type: 'cmdline.type', text: name }) : state;
  }
  if (state.help && (name === 'escape' || name === '?')) return shellReducer(state, { type: 'help.close' });
  const binding = findBinding(GLOBAL_BINDINGS, name);
  return binding ? shellReducer(state, binding.action) : state;
}
