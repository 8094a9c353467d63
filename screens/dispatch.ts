import { dashboardBindings } from './dashboard/keys.ts';
import { doctorOpen } from './doctor/doctor-view.ts';
import { DOCTOR_BINDINGS } from './doctor/keys.ts';
import { drillsBindings } from './drills/keys.ts';
import { evidenceBindings } from './evidence/keys.ts';
import { GATES_BINDINGS } from './gates/keys.ts';
import { enabled, type Binding, type Ctx, type Outcome } from './keys/binding.ts';
import { PROPOSAL_BINDINGS } from './proposal/keys.ts';
import { runbooksBindings } from './runbooks/keys.ts';
import { CMDLINE_BINDINGS, GLOBAL_BINDINGS, HELP_BINDINGS } from './shell/global-keys.ts';
import { promptBindings } from './shell/prompt.ts';
import { QUIT_BINDINGS } from './shell/quit.ts';
import type { ScreenId } from './ui-state.ts';

/** Each screen's own keys; a screen whose data has not arrived has none. */
const SCREEN_BINDINGS: Record<ScreenId, (ctx: Ctx) => readonly Binding[]> = {
  dashboard: (ctx) => (ctx.snapshot ? dashboardBindings(ctx) : []),
  runbooks: (ctx) => (ctx.desk ? runbooksBindings(ctx) : []),
  drills: (ctx) => (ctx.desk ? drillsBindings(ctx) : []),
  gates: (ctx) => (ctx.desk ? GATES_BINDINGS : []),
  evidence: (ctx) => (ctx.desk ? evidenceBindings(ctx) : []),
};

/** Screens a runbook proposal can be reviewed on: where a run (or its evidence) is. */
const REVIEWED_ON = new Set<ScreenId>(['runbooks', 'drills', 'evidence']);

export interface Layer {
  name: 'prompt' | 'quit' | 'command line' | 'doctor' | 'help' | 'review' | 'screen' | 'global';
  bindings: readonly Binding[];
  /** Keys stop here, bound or not (typing into a prompt must not quit the cockpit). */
  modal?: boolean;
}

/** What the keyboard reaches now, by priority: prompt, then overlay, then screen, then global. */
export function layers(ctx: Ctx): Layer[] {
  const { ui } = ctx;
  if (ui.prompt) return [{ name: 'prompt', bindings: promptBindings(ui.prompt), modal: true }];
  if (ui.quitAsked) return [{ name: 'quit', bindings: QUIT_BINDINGS, modal: true }];
  if (ui.cmdline !== undefined) return [{ name: 'command line', bindings: CMDLINE_BINDINGS, modal: true }];
  // In front of the cockpit until the operator moves on (a refusal's banner stands in front of it).
  if (!ctx.refused && doctorOpen(ctx.doctor, ui.doctorDismissed)) return [{ name: 'doctor', bindings: DOCTOR_BINDINGS, modal: true }];
  const out: Layer[] = [];
  const screenOpen = !ctx.refused && (!ctx.runbookOnly || ui.screen === 'runbooks' || ui.screen === 'drills');
  if (ui.help) out.push({ name: 'help', bindings: HELP_BINDINGS });
  else if (screenOpen && ctx.desk?.proposal && REVIEWED_ON.has(ui.screen)) out.push({ name: 'review', bindings: PROPOSAL_BINDINGS });
  else if (screenOpen) out.push({ name: 'screen', bindings: SCREEN_BINDINGS[ui.screen](ctx) });
  out.push({ name: 'global', bindings: GLOBAL_BINDINGS });
  return out;
}

const matches = (b: Binding, key: string) => b.keys.includes(key) || (b.keys.includes('*') && [...key].length === 1);

/**
 * Every binding that a key reaches now, in priority order, a key bound higher shadowing the
 * same key lower down: what the dispatcher runs, and what the hint bar and `?` list.
 */
export function activeBindings(ctx: Ctx): Binding[] {
  const taken = new Set<string>();
  const out: Binding[] = [];
  for (const layer of layers(ctx)) {
    for (const b of layer.bindings) {
      const free = b.keys.filter((k) => !taken.has(k));
      if (free.length) out.push(free.length === b.keys.length ? b : { ...b, keys: free });
    }
    for (const b of layer.bindings) for (const k of b.keys) taken.add(k);
    if (layer.modal) break;
  }
  return out;
}

/** The binding a key reaches now, and its layer; none when the key is not bound (a modal layer swallows it). */
export function bindingFor(ctx: Ctx, key: string): { layer: Layer['name']; binding: Binding } | undefined {
  for (const layer of layers(ctx)) {
    const binding = layer.bindings.find((x) => matches(x, key));
    if (binding) return { layer: layer.name, binding };
    if (layer.modal) return undefined;
  }
  return undefined;
}

/** One key: the binding that takes it runs, or says why it cannot. */
export function dispatchKey(ctx: Ctx, key: string): Outcome {
  const found = bindingFor(ctx, key);
  if (!found) return { ui: ctx.ui };
  const ok = enabled(found.binding, ctx);
  return ok === true ? found.binding.run(ctx, key) : { ui: { ...ctx.ui, message: `${found.binding.label}: ${ok}` } };
}

/** A burst of keys (a paste, one terminal read): each handled in order, every intent kept, in order. */
export function dispatchKeys(ctx: Ctx, keys: readonly string[]): Outcome {
  let ui = ctx.ui;
  const intents: NonNullable<Outcome['intents']> = [];
  let rerunDoctor = false;
  for (const key of keys) {
    const out = dispatchKey({ ...ctx, ui }, key);
    ui = out.ui;
    intents.push(...(out.intents ?? []));
    rerunDoctor ||= !!out.rerunDoctor;
  }
  return { ui, intents, ...(rerunDoctor ? { rerunDoctor } : {}) };
}
