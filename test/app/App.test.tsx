import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { render } from 'ink-testing-library';
import React from 'react';
import { App } from '../../src/app/App.tsx';
import { GLOBAL_BINDINGS } from '../../src/app/keymap.ts';
import type { AppModel } from '../../src/app/model.ts';
import { createStore } from '../../src/app/store.ts';
import { waitFor } from '../helpers/wait.ts';

const identity = { name: 'lab-sim', context: 'lab-sim', server: 'http://127.0.0.1:1234', simulated: true };
const fixedNow = () => new Date('2026-11-23T10:11:12');

function setup(model: Partial<AppModel> = {}) {
  const store = createStore<AppModel>({ origin: 'test config', identity, kubernetes: { state: 'verified' }, ...model });
  let quits = 0;
  const r = render(<App model={store} onQuit={() => quits++} now={fixedNow} />);
  const type = async (...keys: string[]) => {
    for (const k of keys) {
      r.stdin.write(k);
      // ink reads stdin on the next tick; a frame follows each handled key.
      await new Promise((res) => setImmediate(res));
    }
  };
  return { ...r, store, type, quits: () => quits };
}

describe('app shell', () => {
  it('shows identity, the SIMULATED badge, the connection state and the clock', () => {
    const r = setup();
    const frame = r.lastFrame() ?? '';
    assert.match(frame, /lab-sim/);
    assert.match(frame, /SIMULATED/);
    assert.match(frame, /k8s: verified/);
    assert.match(frame, /10:11:12/);
    r.unmount();
  });

  it('shows REAL for a configured sandbox', () => {
    const r = setup({ identity: { ...identity, simulated: false } });
    assert.match(r.lastFrame() ?? '', / REAL /);
    r.unmount();
  });

  it('switches screens by digit and by :name', async () => {
    const r = setup();
    await r.type('3');
    await waitFor(() => /Drills\s*\n.*arrives with issue #6/.test(r.lastFrame() ?? ''), { what: 'drills screen' });
    await r.type(':', 'g', 'a', 't', '\r');
    await waitFor(() => /arrives with issue #8/.test(r.lastFrame() ?? ''), { what: 'gates screen' });
    r.unmount();
  });

  it('lists every binding in the ? overlay', async () => {
    const r = setup();
    await r.type('?');
    await waitFor(() => /Keys \(esc or \? closes\)/.test(r.lastFrame() ?? ''), { what: 'help overlay' });
    for (const b of GLOBAL_BINDINGS) assert.ok((r.lastFrame() ?? '').includes(b.description), `help lists "${b.description}"`);
    r.unmount();
  });

  it('follows the model as the engine updates it', async () => {
    const r = setup({ kubernetes: { state: 'connecting' } });
    r.store.set((m) => ({ ...m, kubernetes: { state: 'unreachable', detail: 'connection refused' } }));
    await waitFor(() => /k8s: unreachable/.test(r.lastFrame() ?? '') && /connection refused/.test(r.lastFrame() ?? ''), { what: 'unreachable state' });
    r.unmount();
  });

  it('blocks on a refusal and still quits', async () => {
    const r = setup({ refusal: { target: 'kubernetes context "prod"', rule: 'prod.contexts', reason: 'on the deny-list', fix: 'fix it' }, kubernetes: { state: 'refused' } });
    const frame = r.lastFrame() ?? '';
    assert.match(frame, /REFUSED by the isolation guard/);
    assert.match(frame, /rule:\s+prod\.contexts/);
    await r.type('q');
    await waitFor(() => r.quits() === 1, { what: 'quit' });
    r.unmount();
  });
});
