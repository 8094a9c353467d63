import type { DeskIntent, DeskState } from '../../../engine/runbook/runbook-desk.ts';
import { findBinding } from '../keymap.ts';
import { PICKER_BINDINGS, walkthroughBindings, type RunbookAction } from './runbook-keys.ts';

/** A line the operator types in the hint bar: a note, a reason, an improvised action. */
export interface Prompt {
  purpose: 'fail' | 'skip' | 'improvise' | 'improvise-command';
  label: string;
  text: string;
  /** The improvised action's text while its command is asked for. */
  improvised?: string;
}

export interface RunbookUi {
  selected: number;
  prompt?: Prompt;
  message?: string;
}

export const initialRunbookUi: RunbookUi = { selected: 0 };

export const RUNNING = new Set(['running', 'verifying']);

export interface RunbookKeyResult {
  ui: RunbookUi;
  intent?: DeskIntent;
}

const PROMPTS: Record<'fail' | 'skip' | 'improvise', Prompt> = {
  fail: { purpose: 'fail', label: 'why did it fail', text: '' },
  skip: { purpose: 'skip', label: 'why skip it', text: '' },
  improvise: { purpose: 'improvise', label: 'what did you do', text: '' },
};

/** Whether the step in hand has an engine action a [HUMAN] step can be assisted with. */
export function canAssist(desk: DeskState): boolean {
  const step = desk.run && desk.section?.steps[desk.run.current];
  return !!step && step.kind === 'HUMAN' && !!step.lab?.action;
}

function submit(ui: RunbookUi, p: Prompt): RunbookKeyResult {
  const text = p.text.trim();
  const closed = { ...ui, prompt: undefined, message: undefined };
  switch (p.purpose) {
    case 'fail':
    case 'skip':
      if (!text) return { ui: { ...ui, message: `${p.label}? (esc cancels)` } };
      return { ui: closed, intent: p.purpose === 'fail' ? { type: 'fail', note: text } : { type: 'skip', reason: text } };
    case 'improvise':
      if (!text) return { ui: closed };
      return { ui: { ...closed, prompt: { purpose: 'improvise-command', label: 'command to run (enter for none)', text: '', improvised: text } } };
    case 'improvise-command':
      return { ui: closed, intent: { type: 'improvise', text: p.improvised ?? '', ...(text ? { command: text } : {}) } };
  }
}

function onPrompt(ui: RunbookUi, p: Prompt, name: string): RunbookKeyResult {
  if (name === 'escape') return { ui: { ...ui, prompt: undefined, message: undefined } };
  if (name === 'enter') return submit(ui, p);
  if (name === 'backspace') return { ui: { ...ui, prompt: { ...p, text: p.text.slice(0, -1) } } };
  if (name === 'space') return { ui: { ...ui, prompt: { ...p, text: `${p.text} ` } } };
  return name.length === 1 ? { ui: { ...ui, prompt: { ...p, text: p.text + name } } } : { ui };
}

function act(ui: RunbookUi, action: RunbookAction, desk: DeskState): RunbookKeyResult {
  const count = desk.sections.length;
  const entry = desk.sections[ui.selected];
  switch (action) {
    case 'up':
      return { ui: { ...ui, message: undefined, selected: Math.max(0, ui.selected - 1) } };
    case 'down':
      return { ui: { ...ui, message: undefined, selected: Math.min(Math.max(0, count - 1), ui.selected + 1) } };
    case 'start':
      return entry ? { ui, intent: { type: 'start', file: entry.file, section: entry.section } } : { ui };
    case 'resume':
      if (entry?.lastRun?.status !== 'interrupted') return { ui: { ...ui, message: 'no interrupted run of this procedure to resume' } };
      return { ui, intent: { type: 'resume', file: entry.lastRun.file } };
    case 'fail':
    case 'skip':
    case 'improvise':
      return { ui: { ...ui, prompt: PROMPTS[action], message: undefined } };
    default:
      return { ui: { ...ui, message: undefined }, intent: { type: action } };
  }
}

/**
 * The Runbooks screen's keys: a typed line while a prompt is open, the walkthrough's keys while a
 * run is in hand, the picker's otherwise. `undefined`: not a key of this screen.
 */
export function runbookKey(ui: RunbookUi, name: string, desk: DeskState): RunbookKeyResult | undefined {
  // While a step runs, Ctrl-C aborts it, even mid-prompt (otherwise it quits, in app-reducer).
  if (name === 'ctrl+c') return desk.run && RUNNING.has(desk.run.phase.kind) ? { ui: { ...ui, prompt: undefined }, intent: { type: 'abort' } } : undefined;
  if (ui.prompt) return onPrompt(ui, ui.prompt, name);
  const bindings = desk.run ? walkthroughBindings(desk.run.phase, canAssist(desk)) : PICKER_BINDINGS;
  const binding = findBinding(bindings, name);
  return binding ? act(ui, binding.action, desk) : undefined;
}
