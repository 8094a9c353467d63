import { dashboardKey, goTo, initialDashboard, type DashboardState, type VisibleRows } from './dashboard/dashboard-state.ts';
import { resolveCommand } from './command-line.ts';
import { findBinding, GLOBAL_BINDINGS } from './keymap.ts';
import { initialShell, shellReducer, type ShellAction, type ShellState } from './shell-reducer.ts';

export interface AppState {
  shell: ShellState;
  dashboard: DashboardState;
}

export type AppAction =
  | ShellAction
  /** `visible` gives the rows on screen, so selection can be clamped and opened; `blocked` while a refusal is shown. */
  | { type: 'key'; name: string; visible: VisibleRows; blocked?: boolean };

export const initialApp: AppState = { shell: initialShell, dashboard: initialDashboard };

function submitCommand(state: AppState): AppState {
  const name = (state.shell.cmdline ?? '').trim();
  const closed = { ...state.shell, cmdline: undefined, message: undefined };
  if (!name) return { ...state, shell: closed };
  if (name === 'q' || name === 'quit') return { ...state, shell: { ...closed, quitting: true } };
  const target = resolveCommand(name);
  if ('error' in target) return { ...state, shell: { ...closed, message: target.error } };
  return {
    shell: { ...closed, screen: target.screen, help: false },
    dashboard: target.view ? goTo(state.dashboard, target.view) : state.dashboard,
  };
}

/** Keys are interpreted here, not in components, so the whole keyboard is unit-testable. */
function reduceKey(state: AppState, name: string, visible: VisibleRows, blocked: boolean): AppState {
  const { shell } = state;
  const withShell = (a: ShellAction) => ({ ...state, shell: shellReducer(shell, a) });
  if (name === 'ctrl+c') return withShell({ type: 'quit' });
  if (shell.cmdline !== undefined) {
    if (name === 'escape') return withShell({ type: 'cmdline.cancel' });
    if (name === 'enter') return submitCommand(state);
    if (name === 'backspace') return withShell({ type: 'cmdline.backspace' });
    return name.length === 1 ? withShell({ type: 'cmdline.type', text: name }) : state;
  }
  if (shell.help && (name === 'escape' || name === '?')) return withShell({ type: 'help.close' });
  const onDashboard = shell.screen === 'dashboard' && !shell.help && !blocked;
  if (onDashboard) {
    const dashboard = dashboardKey(state.dashboard, name, visible);
    if (dashboard) return { ...state, dashboard };
  }
  const binding = findBinding(GLOBAL_BINDINGS, name);
  return binding ? withShell(binding.action) : state;
}

export function appReducer(state: AppState, action: AppAction): AppState {
  if (action.type === 'key') return reduceKey(state, action.name, action.visible, action.blocked ?? false);
  return { ...state, shell: shellReducer(state.shell, action) };
}
