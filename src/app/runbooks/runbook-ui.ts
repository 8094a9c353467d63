import type { DeskIntent, DeskState } from '../../../engine/runbook/runbook-desk.ts';
import { findBinding } from '../keymap.ts';
import { PICKER_BINDINGS, PROPOSAL_BINDINGS, walkthroughBindings, type RunbookAction } from './runbook-keys.ts';

/** A line the operator types in the hint bar: a note, a reason, an improvised action. */
export interface Prompt {
  purpose: 'fail' | 'skip' | 'improvise' | 'improvise-command' | 'reword';
  label: string;
  text: string;
  /** The improvised action's text while its command is asked for. */
  improvised?: string;
}

export interface RunbookUi {
  selected: number;
  /** The change selected while reviewing a proposal. */
  change: number;
  prompt?: Prompt;
  message?: string;
}

export const initialRunbookUi: RunbookUi = { selected: 0, change: 0 };

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

/** Whether the run has something to propose: an improvised, failed or aborted step. */
export function canPropose(desk: DeskState): boolean {
  const run = desk.run;
  return !!run && (run.improvised.length > 0 || run.steps.some((s) => s.status === 'failed' || s.status === 'aborted'));
}

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
    case 'reword':
      if (!text) return { ui: closed };
      return { ui: closed, intent: { type: 'pr-reword', id: p.improvised ?? '', text } };
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
    case 'propose':
      return { ui: { ...ui, change: 0 }, intent: { type: 'propose' } };
    case 'done':
    case 'confirm':
    case 'continue':
    case 'dismiss':
    case 'assist':
    case 'retry':
    case 'abort':
      return { ui: { ...ui, message: undefined }, intent: { type: action } };
    default:
      // The proposal's keys are handled by onProposal.
      return { ui };
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
  if (desk.proposal) return onProposal(ui, name, desk);
  const bindings = desk.run ? walkthroughBindings(desk.run.phase, canAssist(desk), canPropose(desk)) : PICKER_BINDINGS;
  const binding = findBinding(bindings, name);
  return binding ? act(ui, binding.action, desk) : undefined;
}

function onProposal(ui: RunbookUi, name: string, desk: DeskState): RunbookKeyResult | undefined {
  const edits = desk.proposal!.edits;
  const edit = edits[Math.min(ui.change, edits.length - 1)];
  switch (findBinding(PROPOSAL_BINDINGS, name)?.action) {
    case 'up':
      return { ui: { ...ui, change: Math.max(0, ui.change - 1) } };
    case 'down':
      return { ui: { ...ui, change: Math.min(Math.max(0, edits.length - 1), ui.change + 1) } };
    case 'pr-drop':
      return edit ? { ui, intent: { type: 'pr-drop', id: edit.id } } : { ui };
    case 'pr-reword':
      return edit ? { ui: { ...ui, prompt: { purpose: 'reword', label: `new wording for ${edit.id}`, text: '', improvised: edit.id } } } : { ui };
    case 'pr-accept':
      return { ui, intent: { type: 'pr-accept' } };
    case 'pr-close':
      return { ui: { ...ui, change: 0 }, intent: { type: 'pr-close' } };
    default:
      return undefined;
  }
}
