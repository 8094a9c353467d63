import { GATE_NAMES, type GateName } from '../../../engine/gates/gate-result.ts';
import type { DeskIntent, DeskState } from '../../../engine/runbook/runbook-desk.ts';
import { findBinding, type Binding } from '../keymap.ts';
import { gateDetails } from './gate-details.ts';

export interface GateUi {
  /** Index into GATE_NAMES. */
  selected: number;
  /** First line of the selected gate's details on screen. */
  scroll: number;
}

export const initialGateUi: GateUi = { selected: 0, scroll: 0 };

type GateAction = 'up' | 'down' | 'run' | 'page-up' | 'page-down' | { run: GateName };

/** Lines one pgup/pgdn moves the details: a diff hunk or so, whatever the terminal's height. */
const PAGE = 10;

export const GATE_BINDINGS: readonly Binding<GateAction>[] = [
  { keys: ['up', 'k'], label: '↑/k', description: 'previous gate', action: 'up' },
  { keys: ['down', 'j'], label: '↓/j', description: 'next gate', action: 'down' },
  { keys: ['enter'], label: 'enter', description: 'run the selected gate', action: 'run', hint: 'run' },
  { keys: ['p'], label: 'p', description: 'run the parity gate: the live sandbox against manifests/parity.yaml', action: { run: 'parity' }, hint: 'parity' },
  { keys: ['c'], label: 'c', description: 'run the canary gate: the throwaway app through the whole provisioning chain', action: { run: 'canary' }, hint: 'canary' },
  { keys: ['i'], label: 'i', description: 'run the idempotence gate: ansible-playbook --check --diff must change nothing', action: { run: 'idempotence' }, hint: 'idempotence' },
  { keys: ['t'], label: 't', description: 'run the tofu-plan gate: every change of the plan inside the throwaway zone', action: { run: 'tofu-plan' }, hint: 'tofu-plan' },
  { keys: ['pagedown'], label: 'pgdn', description: "scroll the selected gate's details down", action: 'page-down' },
  { keys: ['pageup'], label: 'pgup', description: "scroll the selected gate's details up", action: 'page-up' },
];

/** The Gates screen: pick a gate, read its last result, run it (the desk runs one at a time). */
export function gateKey(ui: GateUi, name: string, desk: DeskState): { ui: GateUi; intent?: DeskIntent } | undefined {
  const action = findBinding(GATE_BINDINGS, name)?.action;
  const select = (selected: number) => ({ selected: Math.min(GATE_NAMES.length - 1, Math.max(0, selected)), scroll: 0 });
  switch (action) {
    case undefined:
      return undefined;
    case 'up':
      return { ui: select(ui.selected - 1) };
    case 'down':
      return { ui: select(ui.selected + 1) };
    case 'page-up':
      return { ui: { ...ui, scroll: Math.max(0, ui.scroll - PAGE) } };
    case 'page-down': {
      const lastLine = Math.max(0, gateDetails(desk, GATE_NAMES[ui.selected]!).length - 1);
      return { ui: { ...ui, scroll: Math.min(lastLine, ui.scroll + PAGE) } };
    }
    case 'run':
      return { ui, intent: { type: 'gate', gate: GATE_NAMES[ui.selected]! } };
    default:
      // Running a gate by its key shows its details, where the result will appear.
      return { ui: select(GATE_NAMES.indexOf(action.run)), intent: { type: 'gate', gate: action.run } };
  }
}
