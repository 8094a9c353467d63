import type { Intent, RunbookRun } from '../runbook/runner.ts';
import type { RunView } from '../runbook/run-view.ts';
import type { Section } from '../runbook/types.ts';

/** Answers what a [HUMAN] step asks, so a drill runs unattended (tests, demos). */
export function autopilot(run: RunbookRun, section: Section, pollMs: number): () => void {
  let answered = '';
  let retry: NodeJS.Timeout | undefined;
  const onChange = () => {
    const v: RunView = run.view.get();
    const step = section.steps[v.current];
    const key = `${v.current}:${v.phase.kind}:${v.steps[v.current]?.startedAt ?? ''}`;
    if (key === answered) return;
    const send = (i: Intent) => {
      answered = key;
      run.send(i);
    };
    if (v.phase.kind === 'operator') send(step?.lab?.action ? { type: 'assist' } : { type: 'done' });
    else if (v.phase.kind === 'confirm') send({ type: 'confirm' });
    else if (v.phase.kind === 'failed') send({ type: 'continue' });
    else if (v.phase.kind === 'blocked') {
      answered = key;
      clearTimeout(retry);
      retry = setTimeout(() => {
        answered = '';
        run.send({ type: 'retry' });
      }, pollMs * 10);
    }
  };
  const unsubscribe = run.view.subscribe(onChange);
  onChange();
  return () => {
    clearTimeout(retry);
    unsubscribe();
  };
}
