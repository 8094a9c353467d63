import { dashboardKey, goTo, initialDashboard, type DashboardState, type VisibleRows } from './dashboard/dashboard-state.ts';
import { resolveCommand } from './command-line.ts';
import { findBinding, GLOBAL_BINDINGS } from './keymap.ts';
import { initialShell, shellReducer, type ShellAction, type ShellState } from './shell-reducer.ts';
import type { DeskIntent, DeskState } from '../../engine/runbook/runbook-desk.ts';
import { initialRunbookUi, RUNNING, runbookKey, type RunbookUi } from './runbooks/runbook-ui.ts';
import { drillKey, initialDrillUi, type DrillUi } from './drills/drill-ui.ts';
import { gateKey, initialGateUi, type GateUi } from './gates/gate-keys.ts';

export interface AppState {
  shell: ShellState;
  dashboard: DashboardState;
  runbooks: RunbookUi;
  drills: DrillUi;
  gates: GateUi;
  /** The last intent for the engine; a new object each time, so the app sends each once. */
  outbox?: { intent: DeskIntent };
}

export type AppAction =
  | ShellAction
  /**
   * `visible` gives the rows on screen, so selection can be clamped and opened; `blocked` while a
   * refusal is shown; `desk` is the Runbooks screen's engine state.
   */
  | { type: 'key'; name: string; visible: VisibleRows; blocked?: boolean; desk?: DeskState };

export const initialApp: AppState = { shell: initialShell, dashboard: initialDashboard, runbooks: initialRunbookUi, drills: initialDrillUi, gates: initialGateUi };

function submitCommand(state: AppState): AppState {
  const name = (state.shell.cmdline ?? '').trim();
  const closed = { ...state.shell, cmdline: undefined, message: undefined };
  if (!name) return { ...state, shell: closed };
  if (name === 'q' || name === 'quit') return { ...state, shell: { ...closed, quitting: true } };
  const target = resolveCommand(name);
  if ('error' in target) return { ...state, shell: { ...closed, message: target.error } };
  return {
    ...state,
    shell: { ...closed, screen: target.screen, help: false },
    dashboard: target.view ? goTo(state.dashboard, target.view) : state.dashboard,
  };
}

/** Keys are interpreted here, not in components, so the whole keyboard is unit-testable. */
function reduceKey(state: AppState, name: string, visible: VisibleRows, blocked: boolean, desk: DeskState | undefined): AppState {
  const { shell } = state;
  const withShell = (a: ShellAction) => ({ ...state, shell: shellReducer(shell, a) });
  const free = !shell.help && !blocked && shell.cmdline === undefined && desk;
  // The Drills screen shows the walkthrough of the drill in hand, with the same keys.
  const walking = free && ((shell.screen === 'runbooks' && desk) || (shell.screen === 'drills' && desk.drill && desk.run));
  // Ctrl-C cancels the running step rather than leaving the cockpit in the middle of it.
  if (name === 'ctrl+c' && !(walking && desk.run && RUNNING.has(desk.run.phase.kind))) return withShell({ type: 'quit' });
  if (walking) {
    const r = runbookKey(state.runbooks, name, desk);
    if (r) return { ...state, runbooks: r.ui, ...(r.intent ? { outbox: { intent: r.intent } } : {}) };
  } else if (free && shell.screen === 'gates') {
    const r = gateKey(state.gates, name, desk);
    if (r) return { ...state, gates: r.ui, ...(r.intent ? { outbox: { intent: r.intent } } : {}) };
  } else if (free && shell.screen === 'drills') {
    const r = drillKey(state.drills, name, desk);
    if (r) return { ...state, drills: r.ui, ...(r.intent ? { outbox: { intent: r.intent } } : {}) };
  }
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
  if (action.type === 'key') return reduceKey(state, action.name, action.visible, action.blocked ?? false, action.desk);
  return { ...state, shell: shellReducer(state.shell, action) };
}
