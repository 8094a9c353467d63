import type { DeskIntent } from '../../engine/cockpit/types.ts';
import type { Binding, Ctx, Outcome } from '../keys/binding.ts';
import type { ListAccess } from '../list/list-model.ts';
import type { UiState } from '../ui-state.ts';
import { quit } from './quit.ts';

/** A line the operator types in the hint bar: a note, a reason, an improvised action, a filter. */
export type Prompt = { label: string; text: string } & (
  | { purpose: 'fail' | 'skip' | 'improvise' }
  /** The improvised action's text is kept while its command is asked for. */
  | { purpose: 'improvise-command'; improvised: string }
  | { purpose: 'reword'; change: string }
  /** Applied as it is typed. */
  | { purpose: 'filter'; list: ListAccess }
);

export const PROMPTS = {
  fail: { purpose: 'fail', label: 'why did it fail', text: '' },
  skip: { purpose: 'skip', label: 'why skip it', text: '' },
  improvise: { purpose: 'improvise', label: 'what did you do', text: '' },
} as const satisfies Record<string, Prompt>;

/** Phases in which a step's process group is running: Ctrl-C aborts it rather than quitting. */
export const RUNNING = new Set(['running', 'verifying']);

const closed = (ui: UiState): UiState => ({ ...ui, prompt: undefined, message: undefined });

function withText(ctx: Ctx, p: Prompt, text: string): UiState {
  const ui = { ...ctx.ui, prompt: { ...p, text } };
  return p.purpose === 'filter' ? p.list.set(ui, { ...p.list.get(ctx), filter: text || undefined }) : ui;
}

function submit(ctx: Ctx, p: Prompt): Outcome {
  const text = p.text.trim();
  const ui = ctx.ui;
  const done = (intent: DeskIntent): Outcome => ({ ui: closed(ui), intents: [intent] });
  switch (p.purpose) {
    case 'fail':
    case 'skip':
      if (!text) return { ui: { ...ui, message: `${p.label}? (esc cancels)` } };
      return done(p.purpose === 'fail' ? { type: 'fail', note: text } : { type: 'skip', reason: text });
    case 'improvise':
      if (!text) return { ui: closed(ui) };
      return { ui: { ...closed(ui), prompt: { purpose: 'improvise-command', label: 'command to run (enter for none)', text: '', improvised: text } } };
    case 'improvise-command':
      return done({ type: 'improvise', text: p.improvised, ...(text ? { command: text } : {}) });
    case 'reword':
      return text ? done({ type: 'pr-reword', id: p.change, text }) : { ui: closed(ui) };
    case 'filter':
      return { ui: closed(ui) };
  }
}

/** The prompt's keys: while it is open every printable key is text, nothing below it acts. */
export function promptBindings(p: Prompt): Binding[] {
  return [
    { keys: ['enter'], label: 'enter', description: p.purpose === 'filter' ? 'keep the filter' : 'send', hint: 'ok', run: (ctx) => submit(ctx, p) },
    {
      keys: ['escape'],
      label: 'esc',
      description: p.purpose === 'filter' ? 'clear the filter' : 'cancel',
      hint: 'cancel',
      run: (ctx) => ({ ui: closed(p.purpose === 'filter' ? withText(ctx, p, '') : ctx.ui) }),
    },
    { keys: ['backspace'], label: 'backspace', description: 'delete the last character', run: (ctx) => ({ ui: withText(ctx, p, p.text.slice(0, -1)) }) },
    {
      keys: ['ctrl+c'],
      label: 'ctrl+c',
      description: 'abort the running step, else quit',
      run: (ctx) => (ctx.desk?.run && RUNNING.has(ctx.desk.run.phase.kind) ? { ui: closed(ctx.ui), intents: [{ type: 'abort' }] } : quit(ctx, closed(ctx.ui))),
    },
    { keys: ['*'], label: 'text', description: 'typed into the prompt', run: (ctx, key) => ({ ui: withText(ctx, p, p.text + key) }) },
  ];
}
