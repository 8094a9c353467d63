import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createStore } from '../../engine/common/store.ts';
import type { Snapshot } from '../../engine/health/types.ts';
import { loadRunbook, parseRunbook } from '../../engine/runbook/parse-runbook.ts';
import type { ProbeSpec, Section, Step } from '../../engine/runbook/types.ts';
import type { DeskIntent, DeskState } from '../../engine/cockpit/types.ts';
import type { Phase } from '../../engine/runbook/run-view.ts';
import { healthyRaw, liveSources, node, snapshotOf } from '../helpers/raw-state.ts';
import { renderApp } from '../helpers/render-app.tsx';
import { CLUSTER_RECOVERY, pickerDesk, shippedSection, walkthroughDesk } from '../helpers/runbook-desk-state.ts';
import { waitFor } from '../helpers/wait.ts';

/** render-app's clock: timers on screen are measured from it. */
const NOW = new Date('2026-11-23T10:11:12');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

/** The shipped runbook as it is now: expectations are read from it, not copied. */
const book = loadRunbook(CLUSTER_RECOVERY);
const vault = shippedSection('vault-unseal-vso-re-auth');

/** The first step of the shipped runbook with a property, and where it is. */
function pick(what: string, pred: (s: Step) => boolean): { section: Section; index: number; step: Step } {
  for (const section of book.sections) {
    const index = section.steps.findIndex(pred);
    if (index !== -1) return { section, index, step: section.steps[index]! };
  }
  throw new Error(`${CLUSTER_RECOVERY} has no step with ${what}`);
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const firstWords = (text: string, n: number) => text.trim().split(/\s+/).slice(0, n).join(' ');
/** The start of the step's heading in the detail pane (it wraps, so only the first words). */
const titleStart = (step: Step) => `[${step.kind}] ${step.number}. ${firstWords(step.title, 3)}`;
/** How a probe is written under the step: name, parameters, its own timeout. */
const probeText = (p: ProbeSpec) => `${p.probe}${Object.entries(p.params).map(([k, v]) => ` ${k}=${v}`).join('')}${p.timeoutMs ? ` (≤ ${Math.round(p.timeoutMs / 1000)} s)` : ''}`;
/** What of a long line is surely on a wide screen (the detail pane is cut to its width). */
const VISIBLE = 60;

/** The App on the Runbooks screen with a desk the test controls; `sent` collects what the screen asks of the engine. */
const mounted = new Set<{ unmount(): void }>();
afterEach(() => {
  // A failed assertion must not leave Ink (and its clock) running.
  for (const r of mounted) r.unmount();
  mounted.clear();
});

function show(desk: DeskState, o: { snapshot?: Snapshot | null; startScreen?: boolean } = {}) {
  const state = createStore(desk);
  const sent: DeskIntent[] = [];
  const snapshot = o.snapshot === null ? undefined : (o.snapshot ?? snapshotOf(healthyRaw()));
  const r = renderApp({ runbooks: { state, send: (i) => void sent.push(i) }, ...(o.startScreen === false ? {} : { startScreen: 'runbooks' as const }) }, snapshot);
  const handle = {
    unmount: () => {
      if (mounted.delete(handle)) r.unmount();
    },
  };
  mounted.add(handle);
  return { ...r, unmount: handle.unmount, state, sent };
}

/** Widens the terminal (ink-testing-library's is 100x24) so a pane's lines are not cut. */
async function widen(r: ReturnType<typeof show>, columns = 180, rows = 40) {
  Object.defineProperty(r.stdout, 'columns', { value: columns, configurable: true });
  Object.defineProperty(r.stdout, 'rows', { value: rows, configurable: true });
  r.stdout.emit('resize');
  await waitFor(() => r.frame().split('\n').some((l) => l.length > 100), { what: 'the wider frame' });
}

/** A run of `section` at step `index` (the ones before done), on a wide screen. */
async function showStep(section: Section, index: number) {
  const r = show(walkthroughDesk(section, { phase: { kind: 'running' }, current: index, steps: section.steps.map((_, i) => (i < index ? { status: 'done', durationMs: 1_000 } : i === index ? { status: 'running', startedAt: ago(1_000) } : {})) }));
  await widen(r);
  return r;
}

/** A row of the step list (column 0): its icon, kind letter and timer (the list ends where the step's heading starts). */
function stepRow(frame: string, n: number): { icon: string; kind: string; time: string } | undefined {
  const lines = frame.split('\n');
  const heading = lines.map((l) => l.search(/\[(AGENT|HUMAN)\] \d+\. /)).find((i) => i > 0);
  const row = lines.find((l) => new RegExp(`^\\S\\s+${n} [AH] `).test(l));
  if (!row || heading === undefined) return undefined;
  const list = row.slice(0, heading).trimEnd();
  const m = new RegExp(`^(\\S)\\s+${n} ([AH]) .*?(?:\\s(\\d+:\\d\\d))?$`).exec(list);
  return m ? { icon: m[1]!, kind: m[2]!, time: m[3] ?? '' } : undefined;
}

const hintBar = (frame: string) => frame.split('\n').at(-1) ?? '';

/** A run of the Vault section at step `current`, step 1 done before it. */
const vaultAt = (phase: Phase, current: number, extra: Parameters<typeof walkthroughDesk>[1] = { phase }) =>
  walkthroughDesk(vault, {
    ...extra,
    phase,
    current,
    startedAt: ago(6 * 60_000),
    steps: extra.steps ?? vault.steps.map((_, i) => (i < current ? { status: 'done', durationMs: 5_000 } : i === current ? { status: phase.kind === 'verifying' ? 'verifying' : 'running', startedAt: ago(72_000) } : {})),
  });

describe('Runbooks screen: the picker', () => {
  it('lists each procedure with its runbook\'s status and last update, its steps and last rehearsal (never, interrupted, passed)', async () => {
    const r = show(pickerDesk());
    await widen(r, 140);
    const f = r.frame();
    assert.match(f, /Runbooks: pick a procedure to rehearse/);
    assert.match(f, /RUNBOOK\s+STATUS\s+PROCEDURE\s+STEPS\s+LAST REHEARSAL/);
    assert.match(f, /Cluster recovery\s+Active 2026-12-01\s+Node loss \/ reschedule\s+3 \(2 agent\)\s+never/);
    assert.match(f, /Cluster recovery\s+Active 2026-12-01\s+Vault unseal \+ VSO re-auth\s+4 \(3 agent\)\s+2026-11-22 09:30 interrupted/);
    assert.match(f, /Cluster recovery\s+Active 2026-12-01\s+PKI re-issue\s+2 \(1 agent\)\s+2026-11-21 16:45 passed/);
    assert.match(f, /Gitea outage\s+-\s+Restart Gitea\s+1 \(0 agent\)\s+never/, 'a runbook without a status line');
    // Columns line up: the status column starts at the same place on every row.
    const at = f.split('\n').filter((l) => /Active 2026/.test(l)).map((l) => l.indexOf('Active'));
    assert.equal(new Set(at).size, 1, f);
    r.unmount();
  });

  it('on a 100-column terminal the runbook name gives way first: the last rehearsal stays whole', () => {
    const r = show(pickerDesk());
    const f = r.frame();
    assert.match(f, /Cluster r…\s+Active 2026-12-01\s+Vault unseal \+ VSO re-au…\s+4 \(3 agent\)\s+2026-11-22 09:30 interrupted$/m);
    assert.match(f, /Cluster r…\s+Active 2026-12-01\s+Node loss \/ reschedule\s+3 \(2 agent\)\s+never$/m);
    // R resumes only an interrupted run: offered for that procedure, not for one never run.
    assert.match(hintBar(f), /enter run\s+·/);
    assert.doesNotMatch(hintBar(f), /R resume/);
    r.unmount();
  });

  it('offers R resume once the interrupted procedure is selected', async () => {
    const r = show(pickerDesk());
    const f = await r.press('j');
    assert.match(hintBar(f), /enter run\s+·\s+R resume/);
    r.unmount();
  });

  it('shows a broken runbook with its located error (first line) and the desk\'s error line', () => {
    const error = '/rb/BROKEN.md:7: expected [AGENT] or [HUMAN] after "2."\n/rb/BROKEN.md:9: second problem';
    const r = show(pickerDesk({ broken: [{ file: '/rb/BROKEN.md', error }], error: 'a run is in progress: finish it, or quit and `lab-tui resume` later' }));
    const f = r.frame();
    assert.match(f, /✗ \/rb\/BROKEN\.md:7: expected \[AGENT\] or \[HUMAN\] after "2\."/);
    assert.doesNotMatch(f, /second problem/);
    assert.match(f, /a run is in progress: finish it, or quit and `lab-tui resume` later/);
    assert.match(f, /Node loss \/ reschedule/, 'the good procedures are still listed');
    r.unmount();
  });

  it('says where runbooks come from when there are none', () => {
    const r = show({ sections: [], broken: [], drills: [], evidence: [], unreadable: [], gates: [], unavailableGates: {} });
    assert.match(r.frame(), /no runbooks found \(sandbox\.runbooks\.path, or the shipped manifests\/runbooks\)/);
    r.unmount();
  });

  it('2 opens it from the dashboard', async () => {
    const r = show(pickerDesk(), { startScreen: false });
    assert.doesNotMatch(r.frame(), /pick a procedure/);
    await r.press('2');
    await r.until(/Runbooks: pick a procedure to rehearse/);
    r.unmount();
  });

  it('j then enter starts the second procedure; the walkthrough replaces the picker once the desk has the run', async () => {
    const r = show(pickerDesk());
    await r.press('j\r');
    await waitFor(() => r.sent.length === 1, { what: 'the start intent' });
    assert.deepEqual(r.sent, [{ type: 'start', file: pickerDesk().sections[1]!.file, section: 'vault-unseal-vso-re-auth' }]);
    r.state.set(vaultAt({ kind: 'operator' }, 0));
    await r.until(/\[HUMAN\] 1\. Confirm on the dashboard/);
    assert.doesNotMatch(r.frame(), /pick a procedure/);
    r.unmount();
  });

  it('R resumes the interrupted run; on another row it explains why not, in the hint bar', async () => {
    const r = show(pickerDesk());
    await r.press('R');
    await r.until(/no interrupted run of this procedure to resume/);
    assert.deepEqual(r.sent, []);
    await r.press('jR');
    await waitFor(() => r.sent.length === 1, { what: 'the resume intent' });
    assert.deepEqual(r.sent, [{ type: 'resume', file: pickerDesk().sections[1]!.lastRun!.file }]);
    r.unmount();
  });
});

describe('Runbooks screen: the walkthrough', () => {
  it('shows the current [HUMAN] step: title, prose, requires line, "waiting for you" and its keys', () => {
    const step = vault.steps[0]!;
    const r = show(vaultAt({ kind: 'operator' }, 0));
    const f = r.frame();
    assert.match(f, /Vault unseal \+ VSO re-auth/);
    assert.match(f, /run 20261123T100500Z-vault-unseal/);
    assert.ok(f.includes(titleStart(step)), `title "${titleStart(step)}"`);
    assert.ok(f.includes(firstWords(step.intro || step.body, 3)), 'the step\'s prose');
    for (const p of step.lab?.requires ?? []) assert.ok(f.includes(`requires: ${p.probe}`), p.probe);
    assert.match(f, /waiting for you 1:12: do it, then enter/);
    assert.deepEqual(stepRow(f, 1), { icon: '▶', kind: step.kind[0], time: '1:12' });
    assert.deepEqual(stepRow(f, 2), { icon: '·', kind: vault.steps[1]!.kind[0], time: '' });
    assert.match(hintBar(f), /enter done\s+·\s+f failed\s+·\s+s skip\s+·\s+i improvise/);
    assert.doesNotMatch(hintBar(f), /assist|abort|retry/);
    r.unmount();
  });

  it('a running [AGENT] step: its action and verify lines, "running" with the timer, x abort', () => {
    const step = vault.steps[1]!;
    const r = show(vaultAt({ kind: 'running' }, 1));
    const f = r.frame();
    assert.ok(f.includes(titleStart(step)), titleStart(step));
    assert.ok(step.lab?.action);
    assert.ok(f.includes(`action: ${step.lab.action}`));
    for (const p of step.lab.verify) assert.match(f, new RegExp(`verify:\\s+${esc(p.probe)}`));
    assert.match(f, /running 1:12\s+\(x abort\)/);
    assert.deepEqual(stepRow(f, 1), { icon: '✓', kind: vault.steps[0]!.kind[0], time: '0:05' });
    assert.deepEqual(stepRow(f, 2), { icon: '▶', kind: 'A', time: '1:12' });
    assert.match(hintBar(f), /x abort\s+·\s+i improvise/);
    assert.doesNotMatch(hintBar(f), /enter/);
    r.unmount();
  });

  it('verifying: the probe and what it sees now', async () => {
    const r = show(vaultAt({ kind: 'verifying', probe: 'vault.unsealed' }, 1, { phase: { kind: 'verifying', probe: 'vault.unsealed' }, notice: 'Vault is sealed' }));
    assert.match(r.frame(), /verifying vault\.unsealed 1:12/);
    assert.deepEqual(stepRow(r.frame(), 2), { icon: '▶', kind: 'A', time: '1:12' });
    await widen(r);
    assert.match(r.frame(), /verifying vault\.unsealed 1:12: Vault is sealed/);
    assert.match(hintBar(r.frame()), /x abort/);
    r.unmount();
  });

  it('blocked: the precondition that does not hold and the keys', async () => {
    const desk = vaultAt({ kind: 'blocked', detail: 'vault.sealed: Vault is unsealed' }, 0, { phase: { kind: 'blocked', detail: '' }, steps: [{ detail: 'requires vault.sealed: Vault is unsealed' }] });
    const r = show(desk);
    await widen(r);
    const f = r.frame();
    assert.match(f, /blocked: vault\.sealed: Vault is unsealed\s+\(r retry, s skip, f failed\)/);
    assert.doesNotMatch(f, /last: requires/, 'what blocks the step is said once');
    assert.equal(stepRow(f, 1)?.icon, '·', 'a blocked step has not started');
    assert.match(hintBar(f), /r retry\s+·\s+s skip\s+·\s+f failed\s+·\s+i improvise/);
    r.unmount();
  });

  it('failed: the reason, the step marked ✗, r retry and enter continue', () => {
    const r = show(
      walkthroughDesk(vault, {
        phase: { kind: 'failed', detail: 'failed: exit 3' },
        current: 1,
        steps: [{ status: 'done', durationMs: 5_000 }, { status: 'failed', durationMs: 2_000, detail: 'exit 3' }],
      }),
    );
    const f = r.frame();
    assert.match(f, /failed: exit 3\s+\(r retry, enter continue\)/);
    assert.match(f, /last: exit 3/);
    assert.deepEqual(stepRow(f, 2), { icon: '✗', kind: 'A', time: '0:02' });
    assert.match(hintBar(f), /r retry\s+·\s+enter continue\s+·\s+i improvise/);
    r.unmount();
  });

  it('confirm (--paranoid): enter runs the step, s skips it', async () => {
    const r = show(walkthroughDesk(vault, { phase: { kind: 'confirm' }, current: 1, steps: [{ status: 'done', durationMs: 5_000 }] }));
    await widen(r);
    assert.match(r.frame(), /paranoid: confirm this \[AGENT\] step/);
    assert.match(r.frame(), /\(enter run, s skip\)/, 'the phase names its keys');
    assert.ok(r.frame().includes(titleStart(vault.steps[1]!)), 'the step to confirm is shown');
    assert.match(hintBar(r.frame()), /enter run\s+·\s+s skip\s+·\s+i improvise/);
    r.unmount();
  });

  it('finished: the outcome with the run\'s duration, and enter goes back', async () => {
    const r = show(walkthroughDesk(vault, { phase: { kind: 'finished', status: 'passed' }, current: vault.steps.length - 1, startedAt: ago(6 * 60_000), steps: vault.steps.map(() => ({ status: 'done', durationMs: 3_000 })) }));
    await widen(r);
    const f = r.frame();
    assert.match(f, /run passed in 6:00\s+\(enter back\)/);
    vault.steps.forEach((_, i) => assert.equal(stepRow(f, i + 1)?.icon, '✓', `step ${i + 1} done`));
    assert.match(hintBar(f), /enter back/);
    r.send('\r');
    await waitFor(() => r.sent.length === 1, { what: 'dismiss' });
    assert.deepEqual(r.sent, [{ type: 'dismiss' }]);
    r.unmount();

    const failed = show(walkthroughDesk(vault, { phase: { kind: 'finished', status: 'failed' }, current: vault.steps.length - 1, startedAt: ago(90_000), steps: [{ status: 'failed', durationMs: 1_000, detail: 'no' }] }));
    assert.match(failed.frame(), /run failed in 1:30/);
    failed.unmount();
  });

  it('starting: a placeholder line and no keys of the screen', () => {
    const r = show(walkthroughDesk(vault, { phase: { kind: 'starting' } }));
    assert.match(r.frame(), /starting…/);
    assert.doesNotMatch(hintBar(r.frame()), /enter|abort|improvise/);
    r.unmount();
  });

  it('every step state has its icon; durations for finished steps, the timer for the running one', () => {
    const longest = book.sections.reduce((a, b) => (b.steps.length > a.steps.length ? b : a));
    assert.ok(longest.steps.length >= 6, 'a section of 6 steps or more');
    const r = show(
      walkthroughDesk(longest, {
        phase: { kind: 'running' },
        current: 4,
        steps: [
          { status: 'done', durationMs: 65_000 },
          { status: 'skipped', durationMs: 0, detail: 'already down' },
          { status: 'failed', durationMs: 3_000, detail: 'exit 1' },
          { status: 'aborted', durationMs: 4_000, detail: 'aborted' },
          { status: 'running', startedAt: ago(10_000) },
        ],
      }),
    );
    const f = r.frame();
    const kind = (n: number) => longest.steps[n - 1]!.kind[0];
    assert.deepEqual(stepRow(f, 1), { icon: '✓', kind: kind(1), time: '1:05' });
    assert.deepEqual(stepRow(f, 2), { icon: '↷', kind: kind(2), time: '0:00' });
    assert.deepEqual(stepRow(f, 3), { icon: '✗', kind: kind(3), time: '0:03' });
    assert.deepEqual(stepRow(f, 4), { icon: '■', kind: kind(4), time: '0:04' });
    assert.deepEqual(stepRow(f, 5), { icon: '▶', kind: kind(5), time: '0:10' });
    assert.deepEqual(stepRow(f, 6), { icon: '·', kind: kind(6), time: '' });
    r.unmount();
  });

  it("a Mermaid diagram in the section's prose shows as its node labels in order, the ordered list after it as is, never the Mermaid source", async () => {
    const md = [
      '## Restore order',
      '',
      '```mermaid',
      "%%{init: {'theme':'base'}}%%",
      'flowchart TD',
      '  LH["Restore Longhorn<br/>(block-device injection)"]:::store --> VU["Unseal Vault"]:::proc',
      '  VU --> ERP["Scale up ERP last"]',
      '  classDef store fill:#7c3aed,stroke:#6d28d9,color:#fff',
      '```',
      '',
      '1. Longhorn first: volumes before workloads.',
      '2. Vault next: nothing gets a secret before.',
      '',
      '1. [HUMAN] Check the volumes',
      '',
    ].join('\n');
    const section = parseRunbook('/virtual/ORDER.md', md).sections[0]!;
    const r = await showStep(section, 0);
    const f = r.frame();
    const shown = f.split('\n').map((l) => l.trim());
    const at = (text: string) => shown.findIndex((l) => l.includes(text));
    const order = ['diagram:', '◇ Restore Longhorn (block-device injection)', '◇ Unseal Vault', '◇ Scale up ERP last', '1. Longhorn first: volumes before workloads.', '2. Vault next: nothing gets a secret before.'].map(at);
    assert.ok(order.every((i) => i >= 0), f);
    assert.deepEqual([...order].sort((a, b) => a - b), order, 'in order');
    assert.doesNotMatch(f, /flowchart|classDef|-->|%%|:::|```/);
    r.unmount();
  });

  it('a command step shows each command line', async () => {
    const { section, index, step } = pick('an [AGENT] sh command', (s) => s.kind === 'AGENT' && !!s.command);
    const r = await showStep(section, index);
    const f = r.frame();
    assert.ok(f.includes(titleStart(step)), titleStart(step));
    for (const l of step.command!.code.split('\n')) assert.ok(f.includes(`$ ${l}`.slice(0, VISIBLE)), `command line "${l}"`);
    r.unmount();
  });

  it('an action with its parameters, and probes with parameters and their own timeouts', async () => {
    const { section, index, step } = pick('an action with parameters and a verify probe with a timeout', (s) => !!s.lab?.action && Object.keys(s.lab.params).length > 0 && s.lab.verify.some((p) => p.timeoutMs));
    const r = await showStep(section, index);
    const f = r.frame();
    const lab = step.lab!;
    assert.ok(f.includes(`action: ${lab.action}${Object.entries(lab.params).map(([k, v]) => `  ${k}=${v}`).join('')}`.slice(0, VISIBLE)), 'the action line');
    for (const p of lab.verify) assert.ok(f.includes(`verify:   ${probeText(p)}`.slice(0, VISIBLE)), `verify ${probeText(p)}`);
    r.unmount();
  });

  it('requires lines, then verify lines', async () => {
    const { section, index, step } = pick('requires and verify', (s) => !!s.lab?.requires.length && !!s.lab.verify.length);
    const r = await showStep(section, index);
    const lines = r.frame().split('\n');
    const at = (text: string) => lines.findIndex((l) => l.includes(text.slice(0, VISIBLE)));
    const requires = step.lab!.requires.map((p) => at(`requires: ${probeText(p)}`));
    const verify = step.lab!.verify.map((p) => at(`verify:   ${probeText(p)}`));
    assert.ok([...requires, ...verify].every((i) => i >= 0), `every check is shown: ${requires} ${verify}`);
    assert.ok(Math.max(...requires) < Math.min(...verify), 'requires come first');
    r.unmount();
  });

  it('improvised entries: text only, with a command running, done and failed', () => {
    const step = vault.steps[0]!.id;
    const r = show(
      vaultAt({ kind: 'operator' }, 0, {
        phase: { kind: 'operator' },
        improvised: [
          { step, at: ago(30_000), text: 'read the VSO logs' },
          { step, at: ago(20_000), text: 'kick', command: 'echo hi', status: 'ok (exit 0)' },
          { step, at: ago(10_000), text: 'fix', command: 'false', status: 'failed (exit 1)' },
        ],
      }),
    );
    const f = r.frame();
    assert.match(f, /\+ read the VSO logs/);
    assert.match(f, /\+ ✓ kick \$ echo hi/);
    assert.match(f, /\+ ✗ failed \(exit 1\) fix \$ false/);
    r.unmount();
    const running = show(vaultAt({ kind: 'operator' }, 0, { phase: { kind: 'operator' }, improvised: [{ step, at: ago(1_000), text: 'wait', command: 'sleep 5' }] }));
    assert.match(running.frame(), /\+ ▶ wait \$ sleep 5/);
    running.unmount();
  });

  it('output: the newest lines of the run, stderr included', () => {
    const step = vault.steps[1]!.id;
    const output = ['first', 'second', 'third', 'fourth', 'fifth'].map((text) => ({ step, stream: 'stdout' as const, text: `line ${text}` }));
    const r = show(vaultAt({ kind: 'running' }, 1, { phase: { kind: 'running' }, output: [...output, { step, stream: 'stderr', text: 'warning: slow' }] }));
    const f = r.frame();
    const below = f.slice(f.indexOf(' Output'));
    assert.match(below, /line fifth/);
    assert.match(below, /warning: slow/);
    assert.doesNotMatch(f, /line first/, 'older lines make room for the newest');
    r.unmount();
  });

  it('the health side strip follows the snapshot', () => {
    const healthy = show(vaultAt({ kind: 'operator' }, 0));
    assert.match(healthy.frame(), /Health/);
    assert.match(healthy.frame(), /nodes 3\/3 Ready/);
    assert.match(healthy.frame(), /vault\s+healthy/);
    healthy.unmount();

    const raw = healthyRaw();
    raw.vault = { sealed: true, version: '1.17.6' };
    raw.kube!.nodes[1] = node('pi2', 'False') as never;
    const sources = liveSources().map((s) => (s.id === 'gitea' ? { ...s, status: 'stale' as const } : s));
    const sick = show(vaultAt({ kind: 'operator' }, 0), { snapshot: snapshotOf(raw, sources) });
    assert.match(sick.frame(), /nodes 2\/3 Ready/);
    assert.match(sick.frame(), /vault\s+down/);
    assert.match(sick.frame(), /gitea stale/);
    sick.unmount();

    const none = show(vaultAt({ kind: 'operator' }, 0), { snapshot: null });
    assert.match(none.frame(), /health: connecting…/);
    none.unmount();
  });

  it('during an outage the health strip marks every row of a stale source stale, never green', async () => {
    // A power cut: every source lost; the last known state (all healthy) is what the snapshot still holds.
    const stale = liveSources().map((s) => ({ ...s, status: 'stale' as const, error: 'connect ECONNREFUSED' }));
    const r = show(vaultAt({ kind: 'operator' }, 0), { snapshot: snapshotOf(healthyRaw(), stale) });
    await widen(r);
    const f = r.frame();
    assert.match(f, /nodes 3\/3 Ready \(stale\)/);
    for (const id of ['longhorn', 'vault', 'vso', 'argocd', 'postgres', 'gitea', 'stepca', 'workloads']) {
      assert.match(f, new RegExp(`${id}\\s+stale\\s*$`, 'm'), `${id} is marked stale`);
      assert.doesNotMatch(f, new RegExp(`${id}\\s+healthy\\s*$`, 'm'), `${id} does not read healthy`);
    }
    r.unmount();
  });
});

describe('Runbooks screen: prompts in the hint bar', () => {
  it('f shows the note prompt with what is typed; enter sends the note; the hint bar comes back', async () => {
    const r = show(vaultAt({ kind: 'operator' }, 0));
    await r.press('f');
    await r.until(/why did it fail: /);
    assert.match(hintBar(r.frame()), /why did it fail: .*\(enter ok, esc cancel\)/);
    await r.press('no bootx\x7f');
    await r.until(/why did it fail: no boot /);
    await r.press('\r');
    await waitFor(() => r.sent.length === 1, { what: 'the fail intent' });
    assert.deepEqual(r.sent, [{ type: 'fail', note: 'no boot' }]);
    await r.until(/enter done\s+·\s+f failed/);
    r.unmount();
  });

  it('esc cancels the prompt; nothing is sent', async () => {
    const r = show(vaultAt({ kind: 'operator' }, 0));
    await r.press('sx');
    await r.until(/why skip it: x/);
    await r.press('\x1b');
    await r.until(/enter done/);
    assert.deepEqual(r.sent, []);
    r.unmount();
  });

  it('i asks what was done, then the command, and sends the improvisation', async () => {
    const r = show(vaultAt({ kind: 'running' }, 1));
    await r.press('iread logs');
    await r.until(/what did you do: read logs/);
    await r.press('\r');
    await r.until(/command to run \(enter for none\): /);
    await r.press('echo hi\r');
    await waitFor(() => r.sent.length === 1, { what: 'the improvise intent' });
    assert.deepEqual(r.sent, [{ type: 'improvise', text: 'read logs', command: 'echo hi' }]);
    await r.until(/x abort/);
    r.unmount();
  });

  it('x aborts a running step; the hint bar offers assist for a [HUMAN] step with an action', async () => {
    const r = show(vaultAt({ kind: 'running' }, 1));
    r.send('x');
    await waitFor(() => r.sent.length === 1, { what: 'abort' });
    assert.deepEqual(r.sent, [{ type: 'abort' }]);
    r.unmount();

    const section = parseRunbook('/virtual/ASSIST.md', '## Assisted\n\n1. [HUMAN] Unseal Vault (or let lab-tui do it)\n   ```lab\n   action: vault.unseal\n   ```\n').sections[0]!;
    const assisted = show(walkthroughDesk(section, { phase: { kind: 'operator' }, steps: [{ status: 'running', startedAt: ago(1_000) }] }));
    assert.match(hintBar(assisted.frame()), /a assist/);
    assisted.send('a');
    await waitFor(() => assisted.sent.length === 1, { what: 'assist' });
    assert.deepEqual(assisted.sent, [{ type: 'assist' }]);
    assisted.unmount();
  });

  it('ctrl+c while a step runs sends abort and does not quit', async () => {
    const r = show(vaultAt({ kind: 'running' }, 1));
    r.send('\x03');
    await waitFor(() => r.sent.length === 1, { what: 'abort' });
    assert.deepEqual(r.sent, [{ type: 'abort' }]);
    assert.equal(r.quits(), 0);
    r.unmount();
  });
});
