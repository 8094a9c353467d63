import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { manifestPath } from '../../engine/common/package-root.ts';
import { applyEdits } from '../../engine/pr/apply-edits.ts';
import { proposeEdits } from '../../engine/pr/propose.ts';
import type { RunbookEdit } from '../../engine/pr/types.ts';
import { parseRunbook } from '../../engine/runbook/parse-runbook.ts';
import type { JournalRecord, NewRecord } from '../../engine/runbook/run-types.ts';
import type { Runbook, Step } from '../../engine/runbook/types.ts';

const FENCE = '```';
const CLUSTER = manifestPath('runbooks/CLUSTER_RECOVERY.md');
const CLUSTER_TEXT = fs.readFileSync(CLUSTER, 'utf8');
const RUN_ID = '20261123T101500Z-7f3a';
const STARTED_AT = Date.parse('2026-11-23T10:15:00.000Z');

/** A journal as the runner writes it: run-started (with the text's digest), then `records`, seq consecutive. */
function journalOf(text: string, section: string, records: NewRecord[], drill?: string): JournalRecord[] {
  const runbook = parseRunbook('/rb.md', text);
  const steps = runbook.sections.find((s) => s.id === section)!.steps.map((s) => ({ id: s.id, kind: s.kind, title: s.title }));
  const started: NewRecord = {
    type: 'run-started',
    runId: RUN_ID,
    runbook: 'manifests/runbooks/rb.md',
    digest: createHash('sha256').update(text).digest('hex'),
    section,
    sectionTitle: section,
    steps,
    mode: { paranoid: false },
    sandbox: 'sandbox-secret-name',
    operator: 'operator-who-must-not-leak',
  };
  const drillStarted: NewRecord[] = drill
    ? [{ type: 'drill-started', drill, title: drill, changeClass: 'minor', autopilot: false, timeLimitMs: 600_000, versions: { k3s: 'v1.31' } }]
    : [];
  return [...drillStarted, started, ...records].map((r, i) => ({ seq: i + 1, at: new Date(STARTED_AT + i * 1000).toISOString(), ...r }) as JournalRecord);
}

const stepRun = (step: string, kind: 'AGENT' | 'HUMAN', title = 't'): NewRecord[] => [
  { type: 'step-started', step, kind, title },
  { type: 'step-finished', step, status: 'done', durationMs: 10 },
];

/** The lines the edits insert, in the order applyEdits puts them at each line. */
function expectedLines(original: string[], edits: RunbookEdit[]): string[] {
  const out: string[] = [];
  original.forEach((line, i) => {
    out.push(line);
    const here = edits.filter((e) => e.afterLine === i + 1);
    for (const e of [...here.filter((e) => e.kind === 'failure-note'), ...here.filter((e) => e.kind !== 'failure-note')]) out.push(...e.markdown.split('\n'));
  });
  return out;
}

/** Applies the edits and checks that the file changed only by whole inserted lines. */
function applyAndCheck(text: string, edits: RunbookEdit[]): { result: string; runbook: Runbook } {
  const result = applyEdits(text, edits);
  assert.deepEqual(result.split(/\r?\n/), expectedLines(text.split(/\r?\n/), edits));
  return { result, runbook: parseRunbook('/rb.md', result) };
}

const sectionOf = (rb: Runbook, id: string) => rb.sections.find((s) => s.id === id)!;
/** What identifies a step's content, wherever it moved. */
const shape = (s: Step) => ({ kind: s.kind, title: s.title, command: s.command?.code, action: s.lab?.action, verify: s.lab?.verify.map((v) => v.probe) });

describe('proposeEdits on CLUSTER_RECOVERY.md', () => {
  const section = 'vault-unseal-vso-re-auth';
  const journal = journalOf(
    CLUSTER_TEXT,
    section,
    [
      ...stepRun(`${section}/1`, 'HUMAN'),
      { type: 'step-started', step: `${section}/2`, kind: 'AGENT', title: 'Unseal' },
      { type: 'step-finished', step: `${section}/2`, status: 'failed', durationMs: 60_000, reason: 'verify vault.unsealed: still sealed after 1m' },
      { type: 'improvised', step: `${section}/2`, text: 'Restart the vault-0 pod', command: 'kubectl -n vault delete pod vault-0' },
      { type: 'output', step: `${section}/2`, stream: 'stdout', text: 'pod "vault-0" deleted', bytes: 21, sha256: 'x' },
      { type: 'improvised-finished', step: `${section}/2`, status: 'ok', exitCode: 0, durationMs: 900 },
      ...stepRun(`${section}/2`, 'AGENT'),
      ...stepRun(`${section}/3`, 'AGENT'),
      ...stepRun(`${section}/4`, 'AGENT'),
      { type: 'run-finished', status: 'passed', durationMs: 200_000 },
    ],
    'vault-seal',
  );
  const proposal = proposeEdits(journal, CLUSTER_TEXT, CLUSTER);
  const original = parseRunbook(CLUSTER, CLUSTER_TEXT);
  const step2 = sectionOf(original, section).steps[1]!;
  const step2Last = CLUSTER_TEXT.split('\n').indexOf('2. [AGENT] Unseal Vault with the sandbox key. The key is read from the key file by lab-tui and is') + 8;

  it('describes the run and anchors both edits at the end of step 2', () => {
    assert.equal(proposal.runId, RUN_ID);
    assert.equal(proposal.drill, 'vault-seal');
    assert.equal(proposal.runbook, 'manifests/runbooks/rb.md');
    assert.equal(proposal.digest, original.digest);
    assert.equal(proposal.date, '2026-11-23');
    assert.deepEqual(
      proposal.edits.map((e) => ({ id: e.id, kind: e.kind, section: e.section, afterStep: e.afterStep, afterLine: e.afterLine })),
      [
        { id: 'fail-1', kind: 'failure-note', section, afterStep: step2.id, afterLine: step2Last },
        { id: 'imp-1', kind: 'improvised-step', section, afterStep: step2.id, afterLine: step2Last },
      ],
    );
    // The anchor is the closing fence of step 2's lab block, just before step 3.
    assert.equal(CLUSTER_TEXT.split('\n')[step2Last - 1], '   ```');
    assert.match(CLUSTER_TEXT.split('\n')[step2Last]!, /^3\. \[AGENT\]/);
  });

  it('writes the step and the note as Markdown under the list', () => {
    assert.equal(
      proposal.edits[1]!.markdown,
      [
        '3. [AGENT] Restart the vault-0 pod',
        '   ```sh',
        '   kubectl -n vault delete pod vault-0',
        '   ```',
        `   > Improvised during drill vault-seal on 2026-11-23 (run ${RUN_ID}): exit 0.`,
      ].join('\n'),
    );
    assert.equal(proposal.edits[0]!.markdown, `   > [!NOTE]\n   > Failed during drill vault-seal on 2026-11-23 (run ${RUN_ID}): verify vault.unsealed: still sealed after 1m`);
    assert.match(proposal.edits[1]!.summary, /^New \[AGENT\] step after vault-unseal-vso-re-auth\/2: "Restart the vault-0 pod" \(ran `kubectl -n vault delete pod vault-0`: exit 0\)/);
    assert.match(proposal.edits[0]!.summary, /^Note under vault-unseal-vso-re-auth\/2: failed \(verify vault\.unsealed: still sealed after 1m\)/);
  });

  it('copies nothing else from the journal', () => {
    const all = JSON.stringify(proposal);
    for (const leak of ['operator-who-must-not-leak', 'sandbox-secret-name', 'pod \\"vault-0\\" deleted']) assert.ok(!all.includes(leak), leak);
  });

  it('yields a runbook where the new step is step 3 and everything else is unchanged', () => {
    const { runbook } = applyAndCheck(CLUSTER_TEXT, proposal.edits);
    const before = sectionOf(original, section).steps;
    const after = sectionOf(runbook, section).steps;
    assert.equal(after.length, 5);
    assert.deepEqual(shape(after[2]!), { kind: 'AGENT', title: 'Restart the vault-0 pod', command: 'kubectl -n vault delete pod vault-0', action: undefined, verify: undefined });
    assert.equal(after[2]!.id, `${section}/3`);
    assert.match(after[2]!.body, /^> Improvised during drill vault-seal on 2026-11-23/);
    assert.deepEqual([after[0], after[1], after[3], after[4]].map((s) => shape(s!)), before.map(shape));
    // The note is part of step 2, after its lab block.
    assert.equal(after[1]!.body, `> [!NOTE]\n> Failed during drill vault-seal on 2026-11-23 (run ${RUN_ID}): verify vault.unsealed: still sealed after 1m`);
    for (const s of original.sections.filter((s) => s.id !== section)) assert.deepEqual(sectionOf(runbook, s.id).steps.map(shape), s.steps.map(shape), s.id);
    assert.deepEqual(runbook.sections.map((s) => s.steps.length), original.sections.map((s) => s.steps.length + (s.id === section ? 1 : 0)));
  });

  it('puts a step improvised on the tenth step after it, with the outro kept after the list', () => {
    const powerCut = 'full-power-cut-recovery';
    const j = journalOf(CLUSTER_TEXT, powerCut, [
      { type: 'step-started', step: `${powerCut}/10`, kind: 'AGENT', title: 'ERP last' },
      { type: 'improvised', step: `${powerCut}/10`, text: 'Check the ERP login page\nby hand' },
      ...stepRun(`${powerCut}/10`, 'AGENT'),
    ]);
    const p = proposeEdits(j, CLUSTER_TEXT, CLUSTER);
    assert.equal(p.drill, undefined);
    assert.equal(p.edits.length, 1);
    const lines = CLUSTER_TEXT.split('\n');
    assert.equal(lines[p.edits[0]!.afterLine - 1], '    ```');
    assert.equal(lines[p.edits[0]!.afterLine], '');
    assert.match(lines[p.edits[0]!.afterLine + 1]!, /^The orphaned replica directories/);
    assert.equal(p.edits[0]!.markdown, `11. [HUMAN] Check the ERP login page by hand\n    > Improvised during run ${RUN_ID} on 2026-11-23.`);
    const { runbook } = applyAndCheck(CLUSTER_TEXT, p.edits);
    const steps = sectionOf(runbook, powerCut).steps;
    assert.equal(steps.length, 11);
    assert.deepEqual(shape(steps[10]!), { kind: 'HUMAN', title: 'Check the ERP login page by hand', command: undefined, action: undefined, verify: undefined });
    assert.equal(sectionOf(runbook, powerCut).outro, sectionOf(original, powerCut).outro);
  });

  it('refuses a runbook that is not the version the run followed, or a step it does not have', () => {
    assert.throws(() => proposeEdits(journal, CLUSTER_TEXT + '\n', CLUSTER), /not the version run/);
    assert.throws(() => proposeEdits([], CLUSTER_TEXT, CLUSTER), /no run-started/);
    const stray = journalOf(CLUSTER_TEXT, section, [{ type: 'improvised', step: `${section}/9`, text: 'x' }]);
    assert.throws(() => proposeEdits(stray, CLUSTER_TEXT, CLUSTER), /step "vault-unseal-vso-re-auth\/9"/);
  });
});

/** Two sections; fences inside items, a numbered line inside a fence, `)` markers, loose items. */
const SMALL = [
  '# Small',
  '',
  'Intro.',
  '',
  '## First section',
  '',
  'Text before steps.',
  '',
  '1. [HUMAN] Look at the thing',
  `   ${FENCE}sh`,
  '   echo look',
  `   ${FENCE}`,
  '',
  `   ${FENCE}text`,
  '   1. [AGENT] not a step, inside a fence',
  '',
  `   ${FENCE}`,
  '',
  '2. [AGENT] Do it',
  `   ${FENCE}lab`,
  '   action: wait',
  '   verify:',
  '     - vault.unsealed',
  `   ${FENCE}`,
  '',
  'Outro of first.',
  '',
  '## Second section',
  '',
  '1) [HUMAN] Only step',
  '   with a second title line',
  '',
].join('\n');

describe('proposeEdits and applyEdits on small runbooks', () => {
  const first = 'first-section';

  it('inserts an improvisation made while the first step was in hand after the whole item, fences included', () => {
    const j = journalOf(SMALL, first, [
      { type: 'step-started', step: `${first}/1`, kind: 'HUMAN', title: 'Look' },
      { type: 'improvised', step: `${first}/1`, text: 'Ask on the team channel' },
    ]);
    const p = proposeEdits(j, SMALL, '/rb.md');
    assert.deepEqual(p.edits.map((e) => [e.id, e.afterStep, e.afterLine]), [['imp-1', `${first}/1`, 17]]);
    assert.equal(p.edits[0]!.markdown, `2. [HUMAN] Ask on the team channel\n   > Improvised during run ${RUN_ID} on 2026-11-23.`);
    const { runbook } = applyAndCheck(SMALL, p.edits);
    const steps = sectionOf(runbook, first).steps;
    assert.deepEqual(steps.map((s) => [s.number, s.kind, s.title]), [
      [1, 'HUMAN', 'Look at the thing'],
      [2, 'HUMAN', 'Ask on the team channel'],
      [3, 'AGENT', 'Do it'],
    ]);
    assert.equal(steps[1]!.line, 18);
    assert.equal(steps[0]!.command?.code, 'echo look');
  });

  it('inserts two improvisations on the last step of a section in order, before the outro and the next section', () => {
    const command = 'kubectl get pods -A\n\n  | grep -v Running';
    const j = journalOf(SMALL, first, [
      ...stepRun(`${first}/1`, 'HUMAN'),
      { type: 'step-started', step: `${first}/2`, kind: 'AGENT', title: 'Do it' },
      { type: 'improvised', step: `${first}/2`, text: 'List the pods that are not running', command },
      { type: 'improvised', step: `${first}/2`, text: 'Tell the ERP users' },
      { type: 'improvised-finished', step: `${first}/2`, status: 'failed', exitCode: 1, durationMs: 300 },
      { type: 'step-finished', step: `${first}/2`, status: 'done', durationMs: 5 },
    ]);
    const p = proposeEdits(j, SMALL, '/rb.md');
    assert.deepEqual(p.edits.map((e) => [e.id, e.kind, e.afterStep, e.afterLine]), [
      ['imp-1', 'improvised-step', `${first}/2`, 24],
      ['imp-2', 'improvised-step', `${first}/2`, 24],
    ]);
    assert.match(p.edits[0]!.markdown, /^3\. \[AGENT\] List the pods/);
    assert.match(p.edits[0]!.markdown, /: exit 1\.$/);
    assert.match(p.edits[1]!.markdown, /^4\. \[HUMAN\] Tell the ERP users\n {3}> Improvised during run \S+ on 2026-11-23\.$/);
    const { runbook } = applyAndCheck(SMALL, p.edits);
    const steps = sectionOf(runbook, first).steps;
    assert.deepEqual(steps.map((s) => [s.number, s.kind, s.title, s.command?.code]), [
      [1, 'HUMAN', 'Look at the thing', 'echo look'],
      [2, 'AGENT', 'Do it', undefined],
      [3, 'AGENT', 'List the pods that are not running', command],
      [4, 'HUMAN', 'Tell the ERP users', undefined],
    ]);
    assert.equal(sectionOf(runbook, first).outro, 'Outro of first.');
    assert.equal(sectionOf(runbook, 'second-section').steps.length, 1);
  });

  it('keeps CRLF line endings, the BOM and the `)` marker, and a file without a final newline', () => {
    const crlf = '\uFEFF' + SMALL.replace(/\n$/, '').replace(/\n/g, '\r\n');
    const second = 'second-section';
    const j = journalOf(crlf, second, [
      { type: 'improvised', step: `${second}/1`, text: 'Reboot the router', command: 'ssh router reboot' },
      { type: 'improvised-finished', step: `${second}/1`, status: 'timed-out', durationMs: 300_000 },
    ]);
    const p = proposeEdits(j, crlf, '/rb.md');
    assert.deepEqual(p.edits.map((e) => [e.afterStep, e.afterLine]), [[`${second}/1`, 31]]);
    assert.match(p.edits[0]!.markdown, /^2\) \[AGENT\] Reboot the router\n/);
    assert.match(p.edits[0]!.markdown, /: timed-out\.$/);
    const { result, runbook } = applyAndCheck(crlf, p.edits);
    assert.ok(result.startsWith('\uFEFF# Small\r\n'));
    assert.ok(!/[^\r]\n/.test(result), 'every line ends with CRLF');
    assert.ok(!result.endsWith('\n'), 'still no final newline');
    assert.ok(result.endsWith(`> Improvised during run ${RUN_ID} on 2026-11-23: timed-out.`));
    assert.deepEqual(sectionOf(runbook, second).steps.map((s) => [s.kind, s.title, s.command?.code]), [
      ['HUMAN', 'Only step with a second title line', undefined],
      ['AGENT', 'Reboot the router', 'ssh router reboot'],
    ]);
  });

  it('adds a note under a failed step and under an aborted one, so they stay the same steps', () => {
    const j = journalOf(SMALL, first, [
      { type: 'step-started', step: `${first}/1`, kind: 'HUMAN', title: 'Look' },
      // The improvisation comes first in the journal; the note must still go under step 1.
      { type: 'improvised', step: `${first}/1`, text: 'Look at the other thing' },
      { type: 'step-finished', step: `${first}/1`, status: 'failed', durationMs: 0, note: 'the thing\nis not there' },
      { type: 'step-finished', step: `${first}/1`, status: 'failed', durationMs: 0, note: 'the thing\nis not there' },
      { type: 'step-started', step: `${first}/2`, kind: 'AGENT', title: 'Do it' },
      { type: 'step-finished', step: `${first}/2`, status: 'aborted', durationMs: 50, reason: 'aborted by the operator' },
      { type: 'step-finished', step: `${first}/2`, status: 'skipped', durationMs: 0, reason: 'not needed' },
    ]);
    const p = proposeEdits(j, SMALL, '/rb.md');
    assert.deepEqual(p.edits.map((e) => [e.id, e.kind, e.afterStep, e.afterLine]), [
      ['fail-1', 'failure-note', `${first}/1`, 17],
      ['imp-1', 'improvised-step', `${first}/1`, 17],
      ['fail-2', 'failure-note', `${first}/2`, 24],
    ]);
    assert.equal(p.edits[0]!.markdown, `   > [!NOTE]\n   > Failed during run ${RUN_ID} on 2026-11-23: the thing is not there`);
    assert.match(p.edits[2]!.markdown, /> Aborted during run \S+ on 2026-11-23: aborted by the operator$/);
    assert.match(p.edits[2]!.summary, /^Note under first-section\/2: aborted \(aborted by the operator\)/);
    // applyEdits puts notes first at a line whatever order it is given.
    const { runbook } = applyAndCheck(SMALL, [p.edits[1]!, p.edits[0]!, p.edits[2]!]);
    const steps = sectionOf(runbook, first).steps;
    assert.deepEqual(steps.map((s) => s.title), ['Look at the thing', 'Look at the other thing', 'Do it']);
    assert.match(steps[0]!.body, /> \[!NOTE\]\n> Failed during run \S+ on 2026-11-23: the thing is not there$/);
    assert.doesNotMatch(steps[1]!.body, /NOTE/);
    assert.match(steps[2]!.body, /^> \[!NOTE\]\n> Aborted during/);
    assert.equal(steps[2]!.lab?.action, 'wait');
  });

  it('separates the insertion from prose at column 0 that follows the item directly', () => {
    const text = ['## S', '', '1. [HUMAN] First', 'If it fails, retry:', '2. [HUMAN] Second', ''].join('\n');
    const j = journalOf(text, 's', [{ type: 'improvised', step: 's/1', text: 'Wait a minute' }]);
    const p = proposeEdits(j, text, '/rb.md');
    assert.equal(p.edits[0]!.afterLine, 3);
    assert.ok(p.edits[0]!.markdown.endsWith('.\n'), 'a blank line ends the inserted text');
    const { runbook } = applyAndCheck(text, p.edits);
    const steps = sectionOf(runbook, 's').steps;
    assert.deepEqual(steps.map((s) => s.title), ['First', 'Wait a minute', 'Second']);
    assert.equal(steps[2]!.intro, 'If it fails, retry:');
  });

  it('puts an improvisation with no step in hand before the first step, as step 1', () => {
    const text = ['## S', '', 'Before the list:', '1. [HUMAN] First', ''].join('\n');
    const j = journalOf(text, 's', [{ type: 'improvised', step: 's', text: 'Open the dashboard' }]);
    const p = proposeEdits(j, text, '/rb.md');
    assert.deepEqual(p.edits.map((e) => [e.section, e.afterStep, e.afterLine]), [['s', undefined, 3]]);
    assert.match(p.edits[0]!.markdown, /^1\. \[HUMAN\] Open the dashboard/);
    const { runbook } = applyAndCheck(text, p.edits);
    assert.deepEqual(sectionOf(runbook, 's').steps.map((s) => [s.number, s.title]), [[1, 'Open the dashboard'], [2, 'First']]);
  });

  it('fences a command that holds backticks with a longer fence', () => {
    const text = ['## S', '', '1. [HUMAN] First', ''].join('\n');
    const command = "printf '```\\n'\necho `date`";
    const j = journalOf(text, 's', [{ type: 'improvised', step: 's/1', text: 'Print a fence', command: command + '\n' }]);
    const p = proposeEdits(j, text, '/rb.md');
    assert.match(p.edits[0]!.markdown, /\n {3}````sh\n/);
    const { runbook } = applyAndCheck(text, p.edits);
    assert.equal(sectionOf(runbook, 's').steps[1]!.command?.code, command);
  });

  it('refuses an edit outside the file', () => {
    const edit: RunbookEdit = { id: 'imp-1', kind: 'improvised-step', section: 's', afterLine: 5, markdown: 'x', summary: 'x' };
    assert.throws(() => applyEdits('a\nb\n', [edit]), RangeError);
    assert.equal(applyEdits('a\nb\n', [{ ...edit, afterLine: 2 }]), 'a\nb\nx\n');
  });
});
