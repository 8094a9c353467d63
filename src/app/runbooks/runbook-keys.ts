import type { Phase } from '../../../engine/runbook/run-view.ts';
import type { Binding } from '../keymap.ts';

export type RunbookAction =
  | 'up'
  | 'down'
  | 'start'
  | 'resume'
  | 'done'
  | 'confirm'
  | 'continue'
  | 'dismiss'
  | 'fail'
  | 'skip'
  | 'assist'
  | 'retry'
  | 'abort'
  | 'improvise'
  | 'propose'
  | 'pr-accept'
  | 'pr-drop'
  | 'pr-reword'
  | 'pr-close';

const b = (keys: string[], label: string, description: string, action: RunbookAction, hint?: string, dangerous?: boolean): Binding<RunbookAction> => ({ keys, label, description, action, ...(hint ? { hint } : {}), ...(dangerous ? { dangerous } : {}) });

export const PICKER_BINDINGS: readonly Binding<RunbookAction>[] = [
  b(['up', 'k'], '↑/k', 'previous procedure', 'up'),
  b(['down', 'j'], '↓/j', 'next procedure', 'down'),
  b(['enter'], 'enter', 'start a run of the selected procedure', 'start', 'run'),
  b(['R'], 'R', 'resume the selected procedure\'s interrupted run', 'resume', 'resume'),
];

const IMPROVISE = b(['i'], 'i', 'improvise: record an action the runbook does not have (optionally a command to run)', 'improvise', 'improvise');

/** Reviewing proposed runbook changes before they are pushed. */
export const PROPOSAL_BINDINGS: readonly Binding<RunbookAction>[] = [
  b(['up', 'k'], '↑/k', 'previous change', 'up'),
  b(['down', 'j'], '↓/j', 'next change', 'down'),
  b(['e'], 'e', 'reword the selected change', 'pr-reword', 'edit'),
  b(['d'], 'd', 'drop (or keep again) the selected change', 'pr-drop', 'drop'),
  b(['enter'], 'enter', 'accept: branch, commit, push and open the draft PR', 'pr-accept', 'accept all', true),
  b(['escape'], 'esc', 'close without proposing', 'pr-close', 'close'),
];

/** The walkthrough's keys depend on what the run waits for. */
export function walkthroughBindings(phase: Phase, canAssist: boolean, canPropose = false): readonly Binding<RunbookAction>[] {
  switch (phase.kind) {
    case 'operator':
      return [b(['enter'], 'enter', 'the step is done (then its checks run)', 'done', 'done'), b(['f'], 'f', 'the step failed (with a note)', 'fail', 'failed'), b(['s'], 's', 'skip the step (with a reason)', 'skip', 'skip'), ...(canAssist ? [b(['a'], 'a', 'let the engine run the step\'s action', 'assist', 'assist')] : []), IMPROVISE];
    case 'confirm':
      return [b(['enter'], 'enter', 'run this [AGENT] step (--paranoid)', 'confirm', 'run'), b(['s'], 's', 'skip the step (with a reason)', 'skip', 'skip'), IMPROVISE];
    case 'running':
    case 'verifying':
      return [b(['x', 'ctrl+c'], 'x', 'abort the running step (kills its whole process group)', 'abort', 'abort', true), IMPROVISE];
    case 'blocked':
      return [b(['r'], 'r', 'check again (re-reads the runbook: fix the step, then retry)', 'retry', 'retry'), b(['s'], 's', 'skip the step (with a reason)', 'skip', 'skip'), b(['f'], 'f', 'mark the step failed (with a note)', 'fail', 'failed'), IMPROVISE];
    case 'failed':
      return [b(['r'], 'r', 'run the step again', 'retry', 'retry'), b(['enter'], 'enter', 'go on to the next step (this one stays failed)', 'continue', 'continue'), IMPROVISE];
    case 'finished':
      return [b(['enter'], 'enter', 'back to the procedures', 'dismiss', 'back'), ...(canPropose ? [b(['p'], 'p', 'propose runbook changes from the improvised and failed steps (a draft PR)', 'propose', 'propose PR')] : [])];
    case 'starting':
      return [];
  }
}
