import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createStore } from '../../engine/common/store.ts';
import type { GateResult } from '../../engine/gates/gate-result.ts';
import type { DeskIntent, DeskState } from '../../engine/cockpit/types.ts';
import { healthyRaw, snapshotOf } from '../helpers/raw-state.ts';
import { renderApp } from '../helpers/render-app.tsx';
import { pickerDesk } from '../helpers/runbook-desk-state.ts';
import { waitFor } from '../helpers/wait.ts';

/** Local wall-clock times, so the expected `YYYY-MM-DD HH:MM` holds in any time zone. */
const PARITY_AT = new Date(2026, 10, 23, 10, 5).toISOString();
const PLAN_AT = new Date(2026, 10, 22, 17, 42).toISOString();

const parity: GateResult = {
  schema: 'lab-tui/gate@1',
  gate: 'parity',
  ok: true,
  summary: 'parity: 14/14 expectations hold',
  checks: [{ name: 'vault', expected: '1.17.6', observed: '1.17.6', ok: true }],
  at: PARITY_AT,
};

const plan: GateResult = {
  schema: 'lab-tui/gate@1',
  gate: 'tofu-plan',
  ok: false,
  summary: '1 of 2 change(s) outside sandbox.arcodange.lab: update cloudflare_record.prod_www',
  checks: [
    { name: 'create aws_route53_record.www', expected: 'inside sandbox.arcodange.lab', observed: 'www.sandbox.arcodange.lab', ok: true },
    { name: 'update cloudflare_record.prod_www', expected: 'inside sandbox.arcodange.lab', observed: 'www.arcodange.lab', ok: false, detail: 'before: www.arcodange.lab is outside sandbox.arcodange.lab\n-10.0.0.1\n+10.0.0.2' },
  ],
  at: PLAN_AT,
};

const CANARY_REASON = 'not available in this cockpit yet';
const IDEMPOTENCE_REASON = 'set sandbox.gates.idempotence.playbook (and inventory, limit) in /home/op/.config/lab-tui/config.yaml';

const mounted: { unmount(): void }[] = [];
afterEach(() => mounted.splice(0).forEach((r) => r.unmount()));

function show(desk: Partial<DeskState>) {
  const sent: DeskIntent[] = [];
  const state = createStore(pickerDesk(desk));
  const r = renderApp({ runbooks: { state, send: (i) => void sent.push(i) } }, snapshotOf(healthyRaw()));
  mounted.push(r);
  Object.defineProperty(r.stdout, 'columns', { value: 160, configurable: true });
  r.stdout.emit('resize');
  return { ...r, sent, state };
}

describe('Gates screen', () => {
  it('lists the four gates with PASS, FAIL, never run and running…, the local time of the last result and its summary', async () => {
    const r = show({ gates: [parity, plan], gateRunning: 'idempotence', unavailableGates: { canary: CANARY_REASON } });
    await r.press('4');
    await r.until(/Fidelity gates/);
    const f = r.frame();
    assert.match(f, /GATE\s+RESULT\s+LAST RESULT\s+SUMMARY/);
    assert.match(f, /parity\s+PASS\s+2026-11-23 10:05\s+parity: 14\/14 expectations hold/);
    assert.match(f, /canary\s+never run\s+cannot run here: not available in this cockpit yet/);
    assert.match(f, /idempotence\s+running…/);
    assert.match(f, /tofu-plan\s+FAIL\s+2026-11-22 17:42\s+1 of 2 change\(s\) outside sandbox\.arcodange\.lab/);
    // The first gate is selected: its checks are below the list.
    assert.match(f, /─ parity ─/);
    assert.match(f, /✓ vault: expected 1\.17\.6, observed 1\.17\.6/);
  });

  it("shows the selected gate's checks, the failing one first with its diff", async () => {
    const r = show({ gates: [parity, plan] });
    await r.press('4jjj');
    await r.until(/─ tofu-plan ─/);
    const f = r.frame();
    assert.match(f, /FAIL 2026-11-22 17:42  1 of 2 change\(s\) outside/);
    assert.match(f, /2 check\(s\), 1 failing/);
    const failing = f.indexOf('✗ update cloudflare_record.prod_www: expected inside sandbox.arcodange.lab, observed www.arcodange.lab');
    const passing = f.indexOf('✓ create aws_route53_record.www: expected inside sandbox.arcodange.lab, observed www.sandbox.arcodange.lab');
    assert.ok(failing > 0 && passing > failing, f);
    assert.match(f, /✗ update[^\n]*\n\s+before: www\.arcodange\.lab is outside sandbox\.arcodange\.lab\n\s+-10\.0\.0\.1\n\s+\+10\.0\.0\.2/);
  });

  it('says why a gate cannot run here and how to configure it, and what a never-run gate needs', async () => {
    const r = show({ unavailableGates: { idempotence: IDEMPOTENCE_REASON } });
    await r.press('4jj');
    await r.until(/─ idempotence ─/);
    assert.match(r.frame(), /idempotence cannot run here: set sandbox\.gates\.idempotence\.playbook \(and inventory, limit\) in \/home\/op\/\.config\/lab-tui\/config\.yaml/);
    assert.match(r.frame(), /or from a shell: lab-tui gate idempotence --playbook P/);
    await r.press('j');
    await r.until(/─ tofu-plan ─/);
    assert.match(r.frame(), /tofu-plan has never run: enter runs it/);
  });

  it('clips long details to the screen and scrolls them with pgdn/pgup', async () => {
    const diff = Array.from({ length: 40 }, (_, i) => `+line ${i + 1}`).join('\n');
    const r = show({ gates: [{ ...plan, checks: [{ ...plan.checks[1]!, detail: diff }] }] });
    await r.press('4jjj');
    await r.until(/─ tofu-plan ─/);
    assert.match(r.frame(), /\+line 1\n/);
    assert.match(r.frame(), /… \d+ more line\(s\): pgdn/);
    assert.doesNotMatch(r.frame(), /\+line 40/);
    await r.press('\x1b[6~\x1b[6~\x1b[6~\x1b[6~');
    await r.until(/\+line 40/);
    assert.match(r.frame(), /─ tofu-plan \(from line \d+, pgup\)/);
    await r.press('\x1b[5~\x1b[5~\x1b[5~\x1b[5~');
    await r.until(/─ tofu-plan ─/);
  });

  it('shows the error of a gate that could not run', async () => {
    const r = show({ error: 'tofu-plan gate: plan file not found: /plans/missing.json' });
    await r.press('4');
    await r.until(/tofu-plan gate: plan file not found: \/plans\/missing\.json/);
  });

  it('runs gates by key: p c i t directly, enter the selected one; each selects its gate', async () => {
    const r = show({ gates: [parity] });
    await r.press('4');
    await r.until(/Fidelity gates/);
    // Typed fast, in one terminal read: every key is handled, every intent sent, in order.
    r.send('pcit');
    await waitFor(() => r.sent.length === 4, { what: 'the intents of p, c, i and t' });
    await r.until(/─ tofu-plan ─/);
    await r.press('k');
    await r.until(/─ idempotence ─/);
    await r.press('k');
    await r.until(/─ canary ─/);
    r.send('\r');
    await waitFor(() => r.sent.length === 5, { what: 'the intent of enter' });
    assert.deepEqual(
      r.sent.map((i) => (i.type === 'gate' ? i.gate : i.type)),
      ['parity', 'canary', 'idempotence', 'tofu-plan', 'canary'],
    );
  });

  it('lists the new keys in the help', async () => {
    const r = show({});
    await r.press('4?');
    await r.until(/Keys \(esc or \? closes\)/);
    const f = r.frame();
    for (const k of [/k, up\s+previous gate/, /j, down\s+next gate/, /G, end\s+last gate/, /enter\s+run the selected gate/, /p\s+run the parity gate/, /c\s+run the canary gate/, /i\s+run the idempotence gate/, /t\s+run the tofu-plan gate/, /pagedown\s+scroll/]) assert.match(f, k);
  });
});
