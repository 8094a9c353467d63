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
import { buildTimeline } from '../../engine/drills/timeline.ts';
import { drillJournal } from '../helpers/drill-journal.ts';

const drills = loadDrills(manifestPath('drills'));

function record(p: Partial<DrillRecord>): DrillRecord {
  return { schema: 'lab-tui/drill-run@1', runId: 'r', drill: 'vault-seal', title: 'Vault seal', changeClass: 'vault', sandbox: 'lab-sim', operator: 'op', autopilot: false, simulated: false, versions: {}, runbook: { file: 'x.md', section: 's', digest: 'd' }, startedAt: '2026-11-20T10:00:00.000Z', outcome: 'passed', failedSteps: [], skippedSteps: [], improvised: [], journal: '/e/runs/r.jsonl', problems: [], integrity: { status: 'valid', sealed: true, tornLines: [] }, ...p };
}

const mounted: { unmount(): void }[] = [];
afterEach(() => mounted.splice(0).forEach((r) => r.unmount()));

function show(desk: DeskState, key: string, runbookOnly = false, resumable = false) {
  const sent: DeskIntent[] = [];
  const state = createStore(desk);
  const r = renderApp({ runbooks: { state, send: (i) => void sent.push(i) }, runbookOnly, resumable }, snapshotOf(healthyRaw()));
  mounted.push(r);
  // ink-testing-library's terminal is 100 columns: widen it, as an operator's is.
  Object.defineProperty(r.stdout, 'columns', { value: 160, configurable: true });
  r.stdout.emit('resize');
  return { ...r, state, sent, open: () => r.press(key) };
}

describe('Drills and Evidence screens', () => {
  it('names the fault and the target, and injects only on a second enter', async () => {
    const r = show(pickerDesk({ drills, evidence: [record({ outcome: 'failed', startedAt: '2026-11-22T08:00:00.000Z', timeToRecover: { totalMs: 95_000, humanMs: 1, agentMs: 1, verifyMs: 1 } })] }), '3');
    await r.open();
    await r.until(/Drills: rehearse a failure/);
    assert.match(r.frame(), /vault-seal\s+shipped\s+vault\s+vault-seal\s+vault-unseal-vso-re-auth\s+11-22 08:00 failed 1:35/);
    assert.match(r.frame(), /node-kill\s+shipped\s+infra\s+node-stop pi3/);
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

  it("marks the lab's own drills, and names the file a lab drill comes from", async () => {
    const lab = { ...drills.find((d) => d.id === 'node-kill')!, title: 'Node kill (the lab\'s)', origin: 'lab' as const, file: '/lab/drills/node-kill.yaml' };
    const r = show(pickerDesk({ drills: drills.map((d) => (d.id === 'node-kill' ? lab : d)) }), '3');
    await r.open();
    await r.until(/Drills: rehearse a failure/);
    assert.match(r.frame(), /node-kill\s+lab\s+infra\s+node-stop pi3/);
    assert.match(r.frame(), /node-kill-server\s+shipped\s+infra/);
    const at = drills.findIndex((d) => d.id === 'node-kill');
    r.send('j'.repeat(at));
    await r.until(/the lab's own drill: \/lab\/drills\/node-kill\.yaml/);
    assert.match(r.frame(), /node-kill: Node kill \(the lab's\)/);
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
    assert.match(f, /vault-seal\s+2026-11-22 10:00\s+passed\s+1:00\s+sealed\s+lab-sim\s+█·▂/);
    assert.match(f, /longhorn-corrupti…\s+2026-11-21 10:00\s+passed-with-improvisation\s+5:00/);
    assert.match(f, /never run: .*node-kill,/);
    assert.match(f, /unreadable: \/e\/runs\/torn\.jsonl: line 7: torn last line/);
  });

  it('Evidence: enter opens the selected run\'s timeline (fault, steps with who and how long, health, TTR split), p proposes, r reports, esc goes back', async () => {
    const journal = '/e/runs/b.jsonl';
    const evidence = [record({ runId: 'c', startedAt: '2026-11-22T10:00:00.000Z' }), record({ runId: 'b', journal, startedAt: '2026-11-15T10:00:00.000Z', outcome: 'passed-with-improvisation', improvised: ['looked at the pod'] })];
    const r = show(pickerDesk({ drills, evidence }), '5');
    await r.open();
    await r.until(/Evidence: 2 drill run\(s\)/);
    await r.press('G');
    r.send('\r');
    await waitFor(() => r.sent.length === 1, { what: 'the timeline intent' });
    assert.deepEqual(r.sent, [{ type: 'timeline', run: journal }]);
    await r.until(/reading \/e\/runs\/b\.jsonl/);
    const timeline = buildTimeline(
      drillJournal({
        runId: 'b', drill: 'vault-seal', title: 'Vault seal', section: 'vault-unseal-vso-re-auth', start: '2026-11-15T10:00:00.000Z', faultMs: 5_000, fault: { kind: 'vault-seal' }, detectMs: 2_000, probe: 'vault.unsealed',
        steps: [{ title: 'Confirm Vault is sealed', kind: 'HUMAN', atMs: 8_000, ms: 30_000, status: 'done' }, { title: 'Unseal Vault', kind: 'AGENT', atMs: 38_000, ms: 4_000, status: 'done' }],
        improvised: [{ atMs: 20_000, step: 1, text: 'looked at the pod', command: 'kubectl get pods', status: 'ok' }],
        health: [{ atMs: 6_000, subject: 'vault', from: 'unsealed', to: 'sealed' }],
        acceptMs: 50_000,
        end: { atMs: 51_000, outcome: 'passed-with-improvisation', reason: 'acceptance met, but a step was improvised', ttr: { totalMs: 45_000, detectionMs: 2_000, humanMs: 30_000, agentMs: 4_000, verifyMs: 9_000 } },
      }),
    )!;
    r.state.set((d) => ({ ...d, timeline: { run: journal, timeline } }));
    const f = await r.until(/Timeline: drill vault-seal/).then(() => r.frame());
    assert.match(f, /PASSED-WITH-IMPROVISATION: acceptance met/);
    assert.match(f, /time to recover 0:45: ▓ detection 0:02\s+█ operator 0:30\s+▒ engine 0:04\s+░ verification 0:09/);
    assert.match(f, /\+ 0:00\s+FAULT\s+vault-seal/);
    assert.match(f, /health\s+vault: unsealed → sealed/);
    assert.match(f, /STEP  1\s+done\s+operator\s+0:30\s+\[HUMAN\] Confirm Vault is sealed/);
    assert.match(f, /STEP  2\s+done\s+engine\s+0:04\s+\[AGENT\] Unseal Vault/);
    assert.match(f, /IMPROVISED looked at the pod \$ kubectl get pods → ok/);
    assert.match(f, /ACCEPTANCE met/);
    r.send('pr');
    await waitFor(() => r.sent.length === 3, { what: 'propose and report' });
    assert.deepEqual(r.sent.slice(1), [{ type: 'propose', run: journal }, { type: 'report', run: journal }]);
    await r.press('\x1b');
    await r.until(/Evidence: 2 drill run\(s\)/);
    assert.deepEqual(r.sent.at(-1), { type: 'timeline' });
  });

  it("Evidence: each run's journal mark and sandbox (simulated ones marked); v verifies the selected run's journal and shows what it found", async () => {
    const evidence = [
      record({ runId: 'd', startedAt: '2026-11-22T10:00:00.000Z', journal: '/e/runs/d.jsonl', sandbox: 'lab-sim', simulated: true }),
      record({ runId: 'c', startedAt: '2026-11-21T10:00:00.000Z', journal: '/e/runs/c.jsonl', sandbox: 'sandbox', integrity: { status: 'invalid', line: 4, reason: 'the chain breaks here' } }),
      record({ runId: 'b', startedAt: '2026-11-20T10:00:00.000Z', journal: '/e/runs/b.jsonl', sandbox: 'sandbox', outcome: 'running', integrity: { status: 'valid', sealed: false, tornLines: [] } }),
      record({ runId: 'a', startedAt: '2026-11-19T10:00:00.000Z', journal: '/e/runs/a.jsonl', sandbox: 'sandbox', integrity: { status: 'unverifiable', reason: 'written before hashing' } }),
    ];
    const r = show(pickerDesk({ drills, evidence }), '5');
    await r.open();
    const f = await r.until(/Evidence: 4 drill run\(s\)/).then(() => r.frame());
    assert.match(f, /2026-11-22 10:00\s+passed\s+sealed\s+lab-sim \(sim\)/);
    assert.match(f, /2026-11-21 10:00\s+passed\s+INVALID\s+sandbox/);
    assert.match(f, /2026-11-20 10:00\s+no outcome: lab-tui resume\s+open\s+sandbox/, 'a run without an outcome waits for a resume');
    assert.match(f, /2026-11-19 10:00\s+passed\s+legacy\s+sandbox/);
    assert.match(f, /v verify/);
    r.send('v');
    await waitFor(() => r.sent.length === 1, { what: 'the verify intent' });
    assert.deepEqual(r.sent, [{ type: 'verify', run: '/e/runs/d.jsonl' }]);
    r.state.set((d) => ({ ...d, verified: { run: '/e/runs/d.jsonl', runId: 'd', integrity: { status: 'invalid', line: 3, reason: 'the chain breaks here: line 2 was edited' } } }));
    await r.until(/journal d: INVALID at line 3: the chain breaks here: line 2 was edited/);
  });

  it('q during a drill asks how to leave it: a aborts and quits, esc stays; on the embedded lab-sim l says why it cannot leave it for later', async () => {
    const inFlight = { drill: drills.find((d) => d.id === 'vault-seal')!, phase: 'recovering' as const, faultAt: '2026-11-23T10:00:00.000Z', acceptance: [], file: '/e/runs/d.jsonl' };
    const r = show(pickerDesk({ drills, drill: inFlight }), '3');
    await r.open();
    const asked = await r.press('q');
    assert.match(asked, /drill vault-seal is running: abort it, or leave it for later\?/);
    assert.match(asked, /a abort and quit {2}· {2}esc stay/, 'leaving it for later is not offered: nothing could resume it');
    assert.equal(r.quits(), 0);
    const why = await r.press('l');
    assert.match(why, /the embedded lab-sim is gone once the cockpit quits: nothing could resume the drill/);
    assert.equal(r.quits(), 0);
    await r.press('\x1b');
    await r.until(/Drills: rehearse a failure/);
    assert.doesNotMatch(r.frame(), /abort it, or leave it for later/);
    await r.press('q');
    r.send('a');
    await waitFor(() => r.quits() === 1, { what: 'the cockpit quits' });
    assert.deepEqual(r.sent, [], 'quitting aborts the drill: the cockpit stops it on the way out');
  });

  it('q during a drill on a sandbox that outlives the cockpit: l leaves the drill for lab-tui resume and quits', async () => {
    const inFlight = { drill: drills.find((d) => d.id === 'vault-seal')!, phase: 'recovering' as const, faultAt: '2026-11-23T10:00:00.000Z', acceptance: [], file: '/e/runs/d.jsonl' };
    const r = show(pickerDesk({ drills, drill: inFlight }), '3', false, true);
    await r.open();
    assert.match(await r.press('q'), /a abort and quit {2}· {2}l leave it, resume later {2}· {2}esc stay/);
    r.send('l');
    await waitFor(() => r.quits() === 1, { what: 'the cockpit quits' });
    assert.deepEqual(r.sent, [{ type: 'leave-drill' }]);
  });

  it('Evidence: p on a run that followed its runbook says there is nothing to propose', async () => {
    const r = show(pickerDesk({ drills, evidence: [record({})] }), '5');
    await r.open();
    await r.press('p');
    await r.until(/p: nothing to propose: the run followed its runbook/);
    assert.deepEqual(r.sent, []);
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
