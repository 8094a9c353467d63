import { render } from 'ink-testing-library';
import React from 'react';
import type { Snapshot } from '../../engine/health/types.ts';
import { App } from '../../src/app/App.tsx';
import type { AppModel } from '../../src/app/model.ts';
import { createStore } from '../../src/app/store.ts';
import { waitFor } from './wait.ts';

export const identity = { name: 'lab-sim', context: 'lab-sim', server: 'http://127.0.0.1:1234', simulated: true, childHome: 'private' as const };
const fixedNow = () => new Date('2026-11-23T10:11:12');

/** Renders the whole app as a user sees it; `type` presses keys and lets Ink render. */
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
    async type(...keys: string[]) {
      for (const k of keys) {
        r.stdin.write(k);
        // Ink reads stdin on the next tick; a frame follows each handled key.
        await new Promise((res) => setImmediate(res));
      }
    },
    until: (pattern: RegExp, what = String(pattern)) => waitFor(() => pattern.test(frame()), { what: `${what}\n--- frame ---\n${frame()}` }),
  };
}
