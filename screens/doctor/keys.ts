import type { Binding, Ctx } from '../keys/binding.ts';

const rerunning = (ctx: Ctx): true | string => (ctx.doctor?.running ? 'the checks are running' : true);

/** The doctor screen's keys: it stands in front of the cockpit, so only these work. */
export const DOCTOR_BINDINGS: readonly Binding[] = [
  { keys: ['r'], label: 'r', description: 're-run every check', hint: 're-run', when: rerunning, run: (ctx) => ({ ui: { ...ctx.ui, message: undefined }, rerunDoctor: true }) },
  {
    keys: ['enter', 'c'],
    label: 'enter',
    description: 'continue to the cockpit anyway (the failed checks stay failed)',
    hint: 'continue',
    when: (ctx) => ctx.doctor?.canContinue ?? 'the checks have not run yet',
    run: (ctx) => ({ ui: { ...ctx.ui, doctorDismissed: true, message: undefined } }),
  },
  { keys: ['q', 'ctrl+c'], label: 'q', description: 'quit', hint: 'quit', run: (ctx) => ({ ui: { ...ctx.ui, quitting: true } }) },
];
