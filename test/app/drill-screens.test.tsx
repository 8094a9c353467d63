import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createStore } from '../../engine/common/store.ts';
import { manifestPath } from '../../engine/common/package-root.ts';
import type { DrillRecord } from '../../engine/drills/drill-record.ts';
import { loadDrills } from '../../engine/drills/load-drill.ts';
import type { DeskIntent, DeskState } from '../../engine/cockpit/types.ts';
import { healthyRaw, snapshotOf } from '../helpers/raw-state.ts';
import { renderApp } from '../helpers/render-app.tsx';
import { pickerDesk } from '../helpers/runbook-desk-state.ts';
import { waitFor } from '../helpers/wait.ts';

const drills = loadDrills(manifestPath('drills'));

function record(p: Partial<DrillRecord>): DrillRecord {
  return { schema: 'lab-tui/drill-run@1', runId: 'r', drill: 'vault-seal', title: 'Vault seal', changeClass: 'vault', sandbox: 'lab-sim', operator: 'op', autopilot: false, versions: {}, runbook: { file: 'x.md', section: 's', digest: 'd' }, startedAt: '2026-11-20T10:00:00.000Z', outcome: 'passed', failedSteps: [], skippedSteps: [], improvised: [], journal: '/e/runs/r.jsonl', problems: [], ...p };
}

const mounted: { unmount(): void }[] = [];
afterEach(() => mounted.splice(0).forEach((r) => r.unmount()));

function show(desk: DeskState, key: string, runbookOnly = false) {
  const sent: DeskIntent[] = [];
  const r = renderApp({ runbooks: { state: createStore(desk), send: (i) => void sent.push(i) }, runbookOnly }, snapshotOf(healthyRaw()));
  mounted.push(r);
  // ink-testing-library's terminal is 100 columns: widen it, as an operator's is.
  Object.defineProperty(r.stdout, 'columns', { value: 160, configurable: true });
  r.stdout.emit('resize');
  return { ...r, sent, open: () => r.press(key) };
}

describe('Drills and Evidence screens', () => {
  it('names the fault and the target, and injects only on a second enter', async () => {
    const r = show(pickerDesk({ drills, evidence: [record({ outcome: 'failed', startedAt: '2026-11-22T08:00:00.000Z', timeToRecover: { totalMs: 95_000, humanMs: 1, agentMs: 1, verifyMs: 1 } })] }), '3');
    await r.open();
    await r.until(/Drills: rehearse a failure/);
    assert.match(r.frame(), /vault-seal\s+vault\s+vault-seal\s+vault-unseal-vso-re-auth\s+11-22 08:00 failed 1:35/);
    assert.match(r.frame(), /node-kill\s+infra\s+node-stop pi3/);
    // G selects vault-seal (last in id order); enter once: nothing is sent yet.
    await r.press('G');
    await r.press('\r');
    await r.until(/inject vault-seal into sandbox lab-sim \(drill vault-seal, vault\)\? enter again to start, esc to cancel/);
    assert.deepEqual(r.sent, []);
    await r.press('\x1b');
    await r.until(/^(?![\s\S]*enter again to start)/);
    assert.deepEqual(r.sent, []);
    r.send('\r\r');
    await waitFor(() => r.sent.length, { what: 'the intent reaches the engine' });
    assert.deepEqual(r.sent, [{ type: 'drill', id: 'vault-seal' }]);
  });

  it('shows per drill the last run, outcome, time to recover and trend, the classes rehearsed this cycle, and unreadable journals', async () => {
    const evidence = [
      record({ runId: 'c', startedAt: '2026-11-22T10:00:00.000Z', timeToRecover: { totalMs: 60_000, humanMs: 0, agentMs: 0, verifyMs: 0 } }),
      record({ runId: 'b', startedAt: '2026-11-15T10:00:00.000Z', outcome: 'failed' }),
      record({ runId: 'a', startedAt: '2026-11-08T10:00:00.000Z', timeToRecover: { totalMs: 240_000, humanMs: 0, agentMs: 0, verifyMs: 0 } }),
      record({ runId: 'd', drill: 'longhorn-corruption', changeClass: 'storage', outcome: 'passed-with-improvisation', startedAt: '2026-11-21T10:00:00.000Z', timeToRecover: { totalMs: 300_000, humanMs: 0, agentMs: 0, verifyMs: 0 } }),
    ];
    const r = show(pickerDesk({ drills, evidence, unreadable: [{ file: '/e/runs/torn.jsonl', problem: 'line 7: torn last line (no newline): the writer stopped mid-record' }] }), '5');
    await r.open();
    await r.until(/Evidence: 4 drill run\(s\)/);
    const f = r.frame();
    assert.match(f, /this cycle \(since 2026-11-01\): infra ·\s+vault ✓\s+storage ✗/);
    assert.match(f, /vault-seal\s+2026-11-22 10:00\s+passed\s+1:00\s+█·▂/);
    assert.match(f, /longhorn-corrupti…\s+2026-11-21 10:00\s+passed-with-improvisation\s+5:00/);
    assert.match(f, /never run: .*node-kill,/);
    assert.match(f, /unreadable: \/e\/runs\/torn\.jsonl: line 7: torn last line/);
  });

  it('in a runbook-only game-day, hides the dashboard and the evidence, keeps runbooks and drills', async () => {
    const r = show(pickerDesk({ drills }), '1', true);
    await r.open();
    await r.until(/Runbook-only game-day: follow the runbook/);
    assert.doesNotMatch(r.frame(), /Nodes\s+\d/);
    r.send('5');
    await r.until(/Runbook-only game-day/);
    await r.press('3');
    await r.until(/Drills: rehearse a failure/);
  });
});
