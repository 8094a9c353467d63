import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bindingsFor } from '../../src/app/keymap.ts';
import { healthyRaw, snapshotOf } from '../helpers/raw-state.ts';
import { renderApp } from '../helpers/render-app.tsx';
import { waitFor } from '../helpers/wait.ts';

describe('app shell', () => {
  it('shows identity, the SIMULATED badge and the clock', () => {
    const r = renderApp();
    assert.match(r.frame(), /lab-sim/);
    assert.match(r.frame(), /SIMULATED/);
    assert.match(r.frame(), /10:11\b/);
    r.unmount();
  });

  it('shows REAL for a configured sandbox', () => {
    const r = renderApp({ identity: { name: 'sbx', context: 'k3d', server: 'https://127.0.0.1:6443', simulated: false, childHome: 'private' } });
    assert.match(r.frame(), / REAL /);
    assert.doesNotMatch(r.frame(), /CHILD HOME/);
    r.unmount();
  });

  it('warns in the header when child processes get the operator\'s real home', () => {
    const r = renderApp({ identity: { name: 'sbx', context: 'k3d', server: 'https://127.0.0.1:6443', simulated: false, childHome: 'real' } });
    assert.match(r.frame(), / CHILD HOME: REAL /);
    r.unmount();
  });

  it('switches screens by digit and by :name', async () => {
    const r = renderApp({}, snapshotOf(healthyRaw()));
    await r.type('3');
    // No engine behind this model: the screen says it is still connecting.
    await r.until(/Drills\s*\n.*connecting to the sandbox/);
    await r.type(':', 'g', 'a', 't', '\r');
    await r.until(/Gates\s*\n.*connecting to the sandbox/);
    await r.type('1');
    await r.until(/Nodes/);
    r.unmount();
  });

  it('lists every binding of the screen in the ? overlay', async () => {
    const r = renderApp({}, snapshotOf(healthyRaw()));
    await r.type('?');
    await r.until(/Keys \(esc or \? closes\)/);
    for (const b of bindingsFor('dashboard')) assert.ok(r.frame().includes(b.description), `help lists "${b.description}"`);
    await r.type('\x1b');
    await r.until(/Components/);
    r.unmount();
  });

  it('blocks on a refusal and still quits', async () => {
    const r = renderApp({ refusal: { target: 'kubernetes context "prod"', rule: 'prod.contexts', reason: 'on the deny-list', fix: 'fix it' } }, snapshotOf(healthyRaw()));
    assert.match(r.frame(), /REFUSED by the isolation guard/);
    assert.match(r.frame(), /rule:\s+prod\.contexts/);
    assert.doesNotMatch(r.frame(), /Components/, 'nothing from the target is shown');
    await r.type('q');
    await waitFor(() => r.quits() === 1, { what: 'quit' });
    r.unmount();
  });
});
