import type { ScreenId } from './screens.ts';

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
  | { type: 'cmdline.cancel' }
  | { type: 'quit' };

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
    case 'quit':
      return { ...state, quitting: true };
  }
}

