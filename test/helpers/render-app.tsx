import { render } from 'ink-testing-library';
import React from 'react';
import { createStore } from '../../engine/common/store.ts';
import type { Snapshot } from '../../engine/health/types.ts';
import type { AppModel } from '../../screens/app-model.ts';
import { App } from '../../src/app/App.tsx';
import { waitFor } from './wait.ts';

export const identity = { name: 'lab-sim', context: 'lab-sim', server: 'http://127.0.0.1:1234', simulated: true, childHome: 'private' as const };
const fixedNow = () => new Date('2026-11-23T10:11:12');

/** Renders the whole app as a user sees it; keys are written to its stdin as a terminal would. */
export function renderApp(model: Partial<AppModel> = {}, snapshot?: Snapshot) {
  const snapshots = snapshot ? createStore<Snapshot>(snapshot) : undefined;
  const store = createStore<AppModel>({ origin: 'test config', identity, snapshots, ...model });
  let quits = 0;
  const r = render(<App model={store} onQuit={() => quits++} now={fixedNow} />);
  const frame = () => r.lastFrame() ?? '';
  return {
    ...r,
    store,
    snapshots,
    frame,
    quits: () => quits,
    /**
     * Writes `input` in one write (a burst, as a paste or fast typing arrives) and waits until the
     * frame changes: the keys were read and drawn. For keys that change nothing on screen, use `send`.
     */
    async press(input: string): Promise<string> {
      const before = frame();
      r.stdin.write(input);
      return waitFor(() => (frame() !== before ? frame() : undefined), { what: `the frame to change after ${JSON.stringify(input)}\n--- frame ---\n${before}` });
    },
    /** Writes `input` in one write without waiting: for keys whose effect is not on screen (an intent sent); wait on that instead. */
    send(input: string): void {
      r.stdin.write(input);
    },
    until: (pattern: RegExp, what = String(pattern)) => waitFor(() => pattern.test(frame()), { what: `${what}\n--- frame ---\n${frame()}` }),
  };
}
