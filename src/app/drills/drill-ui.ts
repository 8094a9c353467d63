import type { DeskIntent, DeskState } from '../../../engine/runbook/runbook-desk.ts';
import type { Binding } from '../keymap.ts';
import { findBinding } from '../keymap.ts';

export interface DrillUi {
  selected: number;
  /** The drill whose fault the operator is asked to confirm (target and blast radius shown). */
  confirming?: string;
}

export const initialDrillUi: DrillUi = { selected: 0 };

type DrillAction = 'up' | 'down' | 'run' | 'cancel';

export const DRILL_BINDINGS: readonly Binding<DrillAction>[] = [
  { keys: ['up', 'k'], label: '↑/k', description: 'previous drill', action: 'up' },
  { keys: ['down', 'j'], label: '↓/j', description: 'next drill', action: 'down' },
  { keys: ['enter'], label: 'enter', description: 'run the selected drill (asks to confirm the fault first)', action: 'run', hint: 'run drill', dangerous: true },
  { keys: ['escape'], label: 'esc', description: 'do not inject', action: 'cancel' },
];

/** The Drills screen's picker: a fault is injected only after a second, explicit enter. */
export function drillKey(ui: DrillUi, name: string, desk: DeskState): { ui: DrillUi; intent?: DeskIntent } | undefined {
  const action = findBinding(DRILL_BINDINGS, name)?.action;
  const count = desk.drills.length;
  switch (action) {
    case 'up':
      return { ui: { selected: Math.max(0, ui.selected - 1) } };
    case 'down':
      return { ui: { selected: Math.min(Math.max(0, count - 1), ui.selected + 1) } };
    case 'cancel':
      return ui.confirming ? { ui: { ...ui, confirming: undefined } } : undefined;
    case 'run': {
      const drill = desk.drills[ui.selected];
      if (!drill) return { ui };
      if (ui.confirming !== drill.id) return { ui: { ...ui, confirming: drill.id } };
      return { ui: { ...ui, confirming: undefined }, intent: { type: 'drill', id: drill.id } };
    }
    default:
      return undefined;
  }
}
