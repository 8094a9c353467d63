import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Cockpit } from '../../engine/cockpit/cockpit.ts';
import type { DeskState } from '../../engine/cockpit/types.ts';
import { manifestPath } from '../../engine/common/package-root.ts';
import { loadDrills } from '../../engine/drills/load-drill.ts';
import { openJournal } from '../../engine/runbook/journal.ts';
import type { NewRecord } from '../../engine/runbook/run-types.ts';
import { stubEngine, tempDir } from '../helpers/engine-stub.ts';
import { waitFor } from '../helpers/wait.ts';

const RUNBOOK = '# Web\n\n## restart-web\n\nBring the web tier back.\n\n1. [HUMAN] Look at the dashboard\n2. [HUMAN] Restart the web pods\n';
const STEPS = [
  { id: 'restart-web/1', kind: 'HUMAN' as const, title: 'Look at the dashboard' },
  { id: 'restart-web/2', kind: 'HUMAN' as const, title: 'Restart the web pods' },
];

/** An evidence directory with the runbook the runs followed. */
function evidence() {
  const dir = tempDir('cockpit-evidence-');
  const runbook = path.join(dir, 'web.md');
  fs.writeFileSync(runbook, RUNBOOK);
  return { dir, runsDir: path.join(dir, 'runs'), runbook };
}

/** A run's journal as the runner and the drill write it: an improvised command on step 1. */
function writeRun(e: ReturnType<typeof evidence>, runId: string, o: { drill?: boolean; finished?: boolean; improvised?: boolean } = {}): string {
  const file = path.join(e.runsDir, `${runId}.jsonl`);
  const j = openJournal(file);
  const records: NewRecord[] = [
    { type: 'run-started', runId, runbook: e.runbook, digest: createHash('sha256').update(RUNBOOK).digest('hex'), section: 'restart-web', sectionTitle: 'restart-web', steps: STEPS, mode: { paranoid: false }, sandbox: 'lab-sim', operator: 'alice' },
    ...(o.drill ? [{ type: 'drill-started', drill: 'web-restart', title: 'Web tier restart', changeClass: 'infra', autopilot: false, timeLimitMs: 600_000, versions: {} } as NewRecord] : []),
    { type: 'step-started', step: 'restart-web/1', kind: 'HUMAN', title: STEPS[0]!.title },
    ...(o.improvised === false ? [] : [{ type: 'improvised', step: 'restart-web/1', text: 'scaled traefik down', command: 'kubectl -n kube-system scale deploy traefik --replicas=0' } as NewRecord]),
    { type: 'step-finished', step: 'restart-web/1', status: 'done', durationMs: 1000 },
  ];
  if (o.finished !== false) {
    records.push({ type: 'step-started', step: 'restart-web/2', kind: 'HUMAN', title: STEPS[1]!.title }, { type: 'step-finished', step: 'restart-web/2', status: 'done', durationMs: 1000 }, { type: 'run-finished', status: 'passed', durationMs: 2000 });
    if (o.drill) records.push({ type: 'drill-finished', outcome: 'passed-with-improvisation', reason: 'acceptance met, but the runbook is not current', failedSteps: [], skippedSteps: [], improvised: o.improvised === false ? [] : ['scaled traefik down'] });
  }
  for (const r of records) j.append(r);
  j.close();
  return file;
}

function cockpitOn(e: ReturnType<typeof evidence>) {
  const cockpit = new Cockpit({ sources: [e.runbook], runsDir: e.runsDir, sandbox: 'lab-sim' }, stubEngine().deps);
  const until = <T>(what: string, pick: (s: DeskState) => T | undefined) => waitFor(() => pick(cockpit.state.get()), { what });
  return { cockpit, until };
}

describe("the Evidence screen's intents", () => {
  it('propose with a journal reviews the changes of that finished run, not of a run in hand', async () => {
    const e = evidence();
    const file = writeRun(e, '20261123T101500Z-restart-web', { drill: true });
    const { cockpit, until } = cockpitOn(e);
    assert.equal(cockpit.state.get().run, undefined, 'no run in hand');

    cockpit.send({ type: 'propose', run: file });
    const review = await until('the proposal', (s) => s.proposal);
    assert.equal(review.runFile, file);
    assert.equal(review.runId, '20261123T101500Z-restart-web');
    assert.equal(review.status, 'review');
    assert.deepEqual(review.edits.map((x) => [x.kind, x.dropped]), [['improvised-step', false]]);
    assert.match(review.edits[0]!.markdown, /scaled traefik down/);

    cockpit.send({ type: 'pr-drop', id: review.edits[0]!.id });
    assert.equal(cockpit.state.get().proposal?.edits[0]?.dropped, true, 'the review works on it as on the run in hand');
    cockpit.send({ type: 'pr-close' });
    assert.equal(cockpit.state.get().proposal, undefined);
  });

  it('propose refuses a run that has not finished, and one with nothing to propose', async () => {
    const e = evidence();
    const running = writeRun(e, '20261123T101500Z-restart-web', { finished: false });
    const clean = writeRun(e, '20261123T111500Z-restart-web', { improvised: false });
    const { cockpit, until } = cockpitOn(e);

    cockpit.send({ type: 'propose', run: running });
    assert.match(await until('the refusal', (s) => s.error), /has not finished/);
    cockpit.send({ type: 'propose', run: path.basename(clean) });
    assert.match(await until('the second refusal', (s) => (s.error?.includes('nothing to propose') ? s.error : undefined)), /run 20261123T111500Z-restart-web has no improvised or failed step/);
    assert.equal(cockpit.state.get().proposal, undefined);
  });

  it('report writes the drill run’s report under <evidenceDir>/reports/<runId>.md', async () => {
    const e = evidence();
    const file = writeRun(e, '20261123T101500Z-restart-web', { drill: true });
    const { cockpit, until } = cockpitOn(e);

    cockpit.send({ type: 'report', run: file });
    const report = await until('the report', (s) => s.report);
    const written = path.join(e.dir, 'reports', '20261123T101500Z-restart-web.md');
    assert.deepEqual(report, { run: file, file: written });
    const md = fs.readFileSync(written, 'utf8');
    assert.match(md, /^# Game-day report: web-restart run 20261123T101500Z-restart-web/);
    assert.match(md, /passed with improvisation/);
    assert.match(md, /Improvised: scaled traefik down/);
    assert.equal(cockpit.state.get().error, undefined);
  });

  it('verify checks the journal as it is on disk now: the run keeps its mark until then, and takes the new one', async () => {
    const e = evidence();
    const file = writeRun(e, '20261123T101500Z-restart-web', { drill: true });
    const { cockpit, until } = cockpitOn(e);
    await until('the run listed', (s) => s.evidence.length === 1 || undefined);
    assert.deepEqual(cockpit.state.get().evidence[0]!.integrity, { status: 'valid', sealed: false, tornLines: [] });
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('scaled traefik down', 'scaled traefik up'));
    cockpit.send({ type: 'verify', run: file });
    const verified = await until('the verification', (s) => s.verified);
    assert.deepEqual(verified, { run: file, runId: '20261123T101500Z-restart-web', integrity: { status: 'invalid', line: 5, reason: 'the chain breaks here: line 4 was edited, or a line before this one was removed, inserted or moved' } });
    assert.equal(cockpit.state.get().evidence[0]!.integrity.status, 'invalid');
  });

  it('report says why when the journal is no drill run, and writes nothing', async () => {
    const e = evidence();
    const plain = writeRun(e, '20261123T101500Z-restart-web');
    const { cockpit, until } = cockpitOn(e);

    cockpit.send({ type: 'report', run: plain });
    assert.match(await until('the error', (s) => s.error), /no drill run on record with this journal/);
    cockpit.send({ type: 'report', run: path.join(e.runsDir, 'missing.jsonl') });
    assert.match(await until('the second error', (s) => (s.error?.startsWith(path.join(e.runsDir, 'missing.jsonl')) ? s.error : undefined)), /only drill runs have a report/);
    assert.equal(cockpit.state.get().report, undefined);
    assert.equal(fs.existsSync(path.join(e.dir, 'reports')), false);
  });
});

describe('the Evidence screen\'s timeline', () => {
  it('follows the journal of the opened run: a running drill\'s timeline grows as records are appended; closing stops it', async () => {
    const e = evidence();
    const file = writeRun(e, '20261123T101500Z-restart-web', { drill: true, finished: false });
    const { cockpit, until } = cockpitOn(e);

    cockpit.send({ type: 'timeline', run: file });
    const first = await until('the timeline', (s) => s.timeline?.timeline);
    assert.equal(first.running, true);
    assert.deepEqual(first.steps.map((x) => [x.number, x.outcome, x.who]), [[1, 'done', 'operator'], [2, 'pending', 'operator']]);
    assert.equal(first.improvised[0]?.text, 'scaled traefik down');

    const j = openJournal(file);
    j.append({ type: 'step-started', step: 'restart-web/2', kind: 'HUMAN', title: STEPS[1]!.title });
    j.append({ type: 'health-transition', subject: 'node/pi2', from: 'NotReady', to: 'Ready' });
    j.append({ type: 'step-finished', step: 'restart-web/2', status: 'done', durationMs: 1000 });
    j.append({ type: 'drill-finished', outcome: 'passed', reason: 'acceptance met', failedSteps: [], skippedSteps: [], improvised: [] });
    j.close();
    const last = await until('the timeline to grow', (s) => (s.timeline?.timeline?.running === false ? s.timeline.timeline : undefined));
    assert.equal(last.outcome, 'passed');
    assert.deepEqual(last.health.map((h) => `${h.subject} ${h.from}→${h.to}`), ['node/pi2 NotReady→Ready']);

    cockpit.send({ type: 'timeline' });
    await until('the timeline closed', (s) => (s.timeline === undefined ? true : undefined));
    await cockpit.stop();
  });

  it('the report of a run includes its timeline as a Mermaid gantt', async () => {
    const e = evidence();
    const file = writeRun(e, '20261123T101500Z-restart-web', { drill: true });
    const { cockpit, until } = cockpitOn(e);
    cockpit.send({ type: 'report', run: file });
    const report = await until('the report', (s) => s.report);
    const md = fs.readFileSync(report.file, 'utf8');
    assert.match(md, /```mermaid\n%%\{init: \{'theme':'base'\}\}%%\ngantt\n/);
    assert.match(md, /1 Look at the dashboard :done/);
    assert.match(md, /2 Restart the web pods :done/);
  });
});

describe('the Drills screen learns how each fault will go', () => {
  it('per drill, the injection and the cleanups this sandbox can automate, or that they are done by hand', () => {
    const e = evidence();
    const drills = loadDrills(manifestPath('drills'));
    const ports = { powerStop: true, powerStart: true, seal: true, mutate: true, shell: true, recreateVolumes: true, controlPlaneBoot: true, breakGitops: true, revertGitops: true, templates: {} };
    const cockpit = new Cockpit({ sources: [], runsDir: e.runsDir, sandbox: 'real', drills: { deps: { simulated: true, engine: stubEngine().deps, inject: async () => '', cleanup: async () => '', versions: () => ({}) }, list: () => drills, find: () => assert.fail('no drill runs here'), ports } }, stubEngine().deps);
    const s = cockpit.state.get();
    assert.equal(s.injection?.['node-kill'], 'sandbox.power.stop pi3');
    assert.equal(s.injection?.['vault-seal'], 'Vault sys/seal');
    assert.match(s.injection?.['power-cut'] ?? '', /^sandbox\.power\.stop every node; then every Longhorn volume's Volume\/Engine\/Replica objects deleted and recreated/);
    assert.equal(s.injection?.['argocd-bad-sync'], 'git push of a broken commit for erp to the branch its Application tracks');
    assert.match(s.injection?.['pki-reissue'] ?? '', /^not automated on this sandbox \(sandbox\.faults\.ca-reinit is not configured .*\): re-initialise the sandbox Step-CA by hand$/);
    assert.deepEqual(s.cleanupMethods?.['argocd-bad-sync'], ['git revert of the broken commit for erp, pushed']);
    assert.deepEqual(s.cleanupMethods?.['node-kill'], ['sandbox.power.start pi3']);
    assert.deepEqual(s.cleanupMethods?.['power-cut'], ['sandbox.power.start every node']);
    assert.deepEqual(Object.keys(s.injection ?? {}).sort(), drills.map((d) => d.id).sort());
  });
});
