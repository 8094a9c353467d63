import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activeBindings } from '../../screens/dispatch.ts';
import { enabled } from '../../screens/keys/binding.ts';
import { ctxOf } from '../helpers/keys.ts';
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
    await r.press('3');
    // No engine behind this model: the screen says it is still connecting.
    await r.until(/Drills\s*\n.*connecting to the sandbox/);
    await r.press(':gat\r');
    await r.until(/Gates\s*\n.*connecting to the sandbox/);
    await r.press('1');
    await r.until(/Nodes/);
    r.unmount();
  });

  it('the ? overlay and the hint bar show exactly the bindings the dispatcher runs', async () => {
    const snapshot = snapshotOf(healthyRaw());
    const r = renderApp({}, snapshot);
    const ctx = ctxOf({ snapshot });
    const working = activeBindings(ctx).filter((b) => enabled(b, ctx) === true);
    const hints = r.frame().split('\n').filter(Boolean).at(-1)!;
    assert.equal(hints, ['1-5 screens', ...working.filter((b) => b.hint).map((b) => `${b.label} ${b.hint}`)].join('  ·  '));
    await r.press('?');
    await r.until(/Keys \(esc or \? closes\)/);
    for (const b of activeBindings(ctx)) assert.ok(r.frame().includes(b.description), `help lists "${b.description}"`);
    assert.match(r.frame(), /escape\s+clear the filter, or go back \(now: already on the/, 'a disabled key says why');
    await r.press('\x1b');
    await r.until(/Components/);
    r.unmount();
  });

  it('blocks on a refusal and still quits', async () => {
    const r = renderApp({ refusal: { target: 'kubernetes context "prod"', rule: 'prod.contexts', reason: 'on the deny-list', fix: 'fix it' } }, snapshotOf(healthyRaw()));
    assert.match(r.frame(), /REFUSED by the isolation guard/);
    assert.match(r.frame(), /rule:\s+prod\.contexts/);
    assert.doesNotMatch(r.frame(), /Components/, 'nothing from the target is shown');
    r.stdin.write('q');
    await waitFor(() => r.quits() === 1, { what: 'quit' });
    r.unmount();
  });
});
