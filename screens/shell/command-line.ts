import { VIEW_NAMES, type ViewId } from '../dashboard/views.ts';
import { SCREENS, type ScreenId } from '../ui-state.ts';

export interface CommandTarget {
  screen: ScreenId;
  view?: ViewId;
}

/** Everything `:` reaches: the screens, and the dashboard's views by name. */
const TARGETS: Record<string, CommandTarget> = {
  ...Object.fromEntries(SCREENS.map((s) => [s.id, { screen: s.id }])),
  ...Object.fromEntries(VIEW_NAMES.map((v) => [v, { screen: 'dashboard', view: v }])),
  dashboard: { screen: 'dashboard', view: 'overview' },
};

export const COMMAND_NAMES = Object.keys(TARGETS);

/** Exact name, else a unique prefix; anything else is explained. */
export function resolveCommand(input: string): CommandTarget | { error: string } {
  const name = input.trim().toLowerCase();
  if (TARGETS[name]) return TARGETS[name];
  const matches = COMMAND_NAMES.filter((n) => n.startsWith(name));
  if (name && matches.length === 1) return TARGETS[matches[0]!]!;
  if (matches.length > 1) return { error: `":${name}" is ambiguous: ${matches.map((m) => `:${m}`).join(' ')}` };
  return { error: `unknown screen ":${name}" (try ${COMMAND_NAMES.map((m) => `:${m}`).join(' ')})` };
}
