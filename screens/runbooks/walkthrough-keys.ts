import type { DeskState } from '../../engine/cockpit/types.ts';
import type { Phase } from '../../engine/runbook/run-view.ts';
import type { Binding } from '../keys/binding.ts';
import { send } from '../keys/binding.ts';
import { PROMPTS } from '../shell/prompt.ts';

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

const ask = (prompt: (typeof PROMPTS)[keyof typeof PROMPTS]): Binding['run'] => (ctx) => ({ ui: { ...ctx.ui, prompt, message: undefined } });

const IMPROVISE: Binding = { keys: ['i'], label: 'i', description: 'improvise: record an action the runbook does not have (optionally a command to run)', hint: 'improvise', run: ask(PROMPTS.improvise) };
const done: Binding = { keys: ['enter'], label: 'enter', description: 'the step is done (then its checks run)', hint: 'done', inline: true, run: send({ type: 'done' }) };
const failed = (description: string): Binding => ({ keys: ['f'], label: 'f', description, hint: 'failed', inline: true, run: ask(PROMPTS.fail) });
const skip: Binding = { keys: ['s'], label: 's', description: 'skip the step (with a reason)', hint: 'skip', inline: true, run: ask(PROMPTS.skip) };

/** The walkthrough's keys follow what the run waits for; the phase line shows the same keys. */
export function walkthroughBindings(phase: Phase, desk: DeskState): Binding[] {
  switch (phase.kind) {
    case 'operator':
      return [done, failed('the step failed (with a note)'), skip, ...(canAssist(desk) ? [{ keys: ['a'], label: 'a', description: "let the engine run the step's action", hint: 'assist', inline: true, run: send({ type: 'assist' }) }] : []), IMPROVISE];
    case 'confirm':
      return [{ keys: ['enter'], label: 'enter', description: 'run this [AGENT] step (--paranoid)', hint: 'run', inline: true, run: send({ type: 'confirm' }) }, skip, IMPROVISE];
    case 'running':
    case 'verifying':
      return [{ keys: ['x', 'ctrl+c'], label: 'x', description: 'abort the running step (kills its whole process group)', hint: 'abort', dangerous: true, inline: true, run: send({ type: 'abort' }) }, IMPROVISE];
    case 'blocked':
      return [{ keys: ['r'], label: 'r', description: 'check again (re-reads the runbook: fix the step, then retry)', hint: 'retry', inline: true, run: send({ type: 'retry' }) }, skip, failed('mark the step failed (with a note)'), IMPROVISE];
    case 'failed':
      return [{ keys: ['r'], label: 'r', description: 'run the step again', hint: 'retry', inline: true, run: send({ type: 'retry' }) }, { keys: ['enter'], label: 'enter', description: 'go on to the next step (this one stays failed)', hint: 'continue', inline: true, run: send({ type: 'continue' }) }, IMPROVISE];
    case 'finished':
      return [
        { keys: ['enter'], label: 'enter', description: 'back to the list', hint: 'back', inline: true, run: send({ type: 'dismiss' }) },
        ...(canPropose(desk) ? [{ keys: ['p'], label: 'p', description: 'propose runbook changes from the improvised and failed steps (a draft PR)', hint: 'propose PR', inline: true, run: (ctx: Parameters<Binding['run']>[0]) => ({ ui: { ...ctx.ui, proposal: { list: { index: 0 } } }, intents: [{ type: 'propose' as const }] }) }] : []),
      ];
    case 'starting':
      return [];
  }
}

/** The keys the phase line names after what the run waits for: the phase's own (improvise is in the hint bar). */
export function phaseKeys(bindings: readonly Binding[]): string {
  const own = bindings.filter((b) => b.inline);
  return own.length ? `(${own.map((b) => `${b.label} ${b.hint}`).join(', ')})` : '';
}
