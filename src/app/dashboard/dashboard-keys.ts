import type { Binding } from '../keymap.ts';

export type DashboardAction = 'down' | 'up' | 'pagedown' | 'pageup' | 'top' | 'bottom' | 'next-pane' | 'prev-pane' | 'filter' | 'open' | 'back';

/** The dashboard's keys (k9s/lazygit conventions); the reducer dispatches from this table. */
export const DASHBOARD_BINDINGS: readonly Binding<DashboardAction>[] = [
  { keys: ['j', 'down'], label: 'j/k', description: 'move down', action: 'down', hint: 'move' },
  { keys: ['k', 'up'], label: 'k', description: 'move up', action: 'up' },
  { keys: ['pagedown'], label: 'pgdn', description: 'page down', action: 'pagedown' },
  { keys: ['pageup'], label: 'pgup', description: 'page up', action: 'pageup' },
  { keys: ['g'], label: 'g', description: 'first row', action: 'top' },
  { keys: ['G'], label: 'G', description: 'last row', action: 'bottom' },
  { keys: ['tab'], label: 'tab', description: 'next pane', action: 'next-pane', hint: 'pane' },
  { keys: ['shift+tab'], label: 'shift+tab', description: 'previous pane', action: 'prev-pane' },
  { keys: ['/'], label: '/', description: 'filter the focused list', action: 'filter', hint: 'filter' },
  { keys: ['enter'], label: 'enter', description: 'open the selected row', action: 'open', hint: 'open' },
  { keys: ['escape'], label: 'esc', description: 'clear filter, or go back', action: 'back', hint: 'back' },
];
