import { GATE_NAMES, type GateName } from '../../engine/gates/gate-result.ts';
import type { Binding, Ctx } from '../keys/binding.ts';
import { listBindings, selectAt, selectedIndex, type ListAccess } from '../list/list-model.ts';
import { gateDetails } from './gate-details.ts';

/** Lines one pgup/pgdn moves the details: a diff hunk or so, whatever the terminal's height. */
const PAGE = 10;

const gates: ListAccess = {
  noun: 'gate',
  get: (ctx) => ctx.ui.gates.list,
  // A new gate's details start at their top.
  set: (ui, list) => ({ ...ui, gates: { list, scroll: 0 } }),
  ids: () => GATE_NAMES,
};

export const selectedGate = (ctx: Ctx): GateName => GATE_NAMES[selectedIndex(gates.get(ctx), GATE_NAMES)]!;

/** Running a gate by its key selects it, where its result will appear. */
const runGate = (gate: GateName, description: string, key: string): Binding => ({
  keys: [key],
  label: key,
  description,
  hint: gate,
  when: (ctx) => !ctx.desk?.unavailableGates[gate] || `${gate}: ${ctx.desk.unavailableGates[gate]}`,
  run: (ctx) => ({ ui: gates.set({ ...ctx.ui, message: undefined }, selectAt(gates.get(ctx), GATE_NAMES, GATE_NAMES.indexOf(gate))), intents: [{ type: 'gate', gate }] }),
});

const scroll = (ctx: Ctx, by: number) => {
  const last = Math.max(0, gateDetails(ctx.desk!, selectedGate(ctx)).length - 1);
  return { ui: { ...ctx.ui, gates: { ...ctx.ui.gates, scroll: Math.max(0, Math.min(last, ctx.ui.gates.scroll + by)) } } };
};

export const GATES_BINDINGS: readonly Binding[] = [
  ...listBindings(gates).filter((b) => !b.keys.includes('pagedown') && !b.keys.includes('pageup')),
  {
    keys: ['enter'],
    label: 'enter',
    description: 'run the selected gate',
    hint: 'run',
    when: (ctx) => !ctx.desk?.unavailableGates[selectedGate(ctx)] || `${selectedGate(ctx)}: ${ctx.desk!.unavailableGates[selectedGate(ctx)]}`,
    run: (ctx) => ({ ui: { ...ctx.ui, message: undefined }, intents: [{ type: 'gate', gate: selectedGate(ctx) }] }),
  },
  runGate('parity', 'run the parity gate: the live sandbox against manifests/parity.yaml', 'p'),
  runGate('canary', 'run the canary gate: the throwaway app through the whole provisioning chain', 'c'),
  runGate('idempotence', 'run the idempotence gate: ansible-playbook --check --diff must change nothing', 'i'),
  runGate('tofu-plan', 'run the tofu-plan gate: every change of the plan inside the throwaway zone', 't'),
  { keys: ['pagedown'], label: 'pgdn', description: "scroll the selected gate's details down", run: (ctx) => scroll(ctx, PAGE) },
  { keys: ['pageup'], label: 'pgup', description: "scroll the selected gate's details up", run: (ctx) => scroll(ctx, -PAGE) },
];
