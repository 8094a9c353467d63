import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { readJournal } from '../../engine/runbook/journal.ts';
import { parseRunbook } from '../../engine/runbook/parse-runbook.ts';
import type { JournalRecord } from '../../engine/runbook/run-types.ts';
import type { RunbookRun } from '../../engine/runbook/runner.ts';
import { resumeRun, RunError, startRun, type StartOptions } from '../../engine/runbook/start-run.ts';
import { liveGroupMembers, ofType, records, stubEngine, tempDir, untilView } from '../helpers/engine-stub.ts';
import { waitFor } from '../helpers/wait.ts';

/** Where the journals say the runbook lives; nothing reads it (resume is given `load`). */
const FILE = '/virtual/runbooks/MODES.md';
const dir = tempDir('lab-runner-modes-');
const marks = tempDir('lab-runner-marks-');

const fence = (lang: string, body: string) => ['   ```' + lang, ...body.split('\n').map((l) => `   ${l}`), '   ```'].join('\n');
const agent = (title: string, command: string, lab?: string) => `[AGENT] ${title}\n${fence('sh', command)}${lab ? `\n${fence('lab', lab)}` : ''}`;
const agentLab = (title: string, lab: string) => `[AGENT] ${title}\n${fence('lab', lab)}`;
const human = (title: string, lab?: string) => `[HUMAN] ${title}${lab ? `\n${fence('lab', lab)}` : ''}`;
/** A runbook with one section, "Modes" (id `modes`). */
const book = (...steps: string[]) => `# Modes\n\n## Modes\n\nIntro of the section.\n\n${steps.map((s, i) => `${i + 1}. ${s}`).join('\n')}\n`;

const started: RunbookRun[] = [];
function start(text: string, opts: Partial<StartOptions> = {}, engine = stubEngine()) {
  const runbook = parseRunbook(FILE, text);
  const { run, file } = startRun({ runbook, section: 'modes', dir, sandbox: 'stub', pollMs: 10, ...opts }, engine.deps);
  started.push(run);
  return { run, file, engine };
}

const sha256 = (t: string) => createHash('sha256').update(t).digest('hex');
const types = (rs: JournalRecord[], step?: string) => rs.filter((r) => step === undefined || ('step' in r && r.step === step)).map((r) => r.type);
const finishedOf = (file: string, step: string) => ofType(file, 'step-finished').filter((r) => r.step === step);

/** Every journal a test wrote is whole: consecutive seqs, no torn or unparsable line, each started step ended. */
function assertWhole(file: string, { finished = true } = {}) {
  const { records: rs, problems } = readJournal(file);
  assert.deepEqual(problems, []);
  assert.deepEqual(rs.map((r) => r.seq), rs.map((_, i) => i + 1), 'consecutive seqs');
  assert.equal(rs[0]?.type, 'run-started');
  if (finished) assert.deepEqual(rs.slice(-2).map((r) => r.type), ['run-finished', 'journal-sealed'], 'the outcome, then the seal');
  // Each step-started is followed by that step's step-finished before the next step-started of it.
  const open = new Set<string>();
  for (const r of rs) {
    if (r.type === 'step-started') {
      assert.ok(!open.has(r.step), `${r.step} started twice without an outcome`);
      open.add(r.step);
    }
    if (r.type === 'step-finished') open.delete(r.step);
  }
  if (finished) assert.deepEqual([...open], [], 'every started step has an outcome');
}

afterEach(async () => {
  // A failed assertion must not leave a `sleep 30` behind.
  await Promise.all(started.splice(0).map((r) => r.stop()));
});
after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(marks, { recursive: true, force: true });
});

describe('runner: a clean run', () => {
  it('runs [AGENT] commands to a passed run; output is journaled as digests before the view shows it', async () => {
    const { run, file } = start(book(agent('Say hi', 'echo hi'), agent('Two lines', "printf 'one\\ntwo\\n'; echo warn >&2")));
    // Every time the view gains output lines, the journal already holds their digest.
    const unjournaled: string[] = [];
    let seen = 0;
    const unsubscribe = run.view.subscribe(() => {
      const out = run.view.get().output;
      if (out.length === seen) return;
      const journaled = records(file).filter((r) => r.type === 'output').map((r) => (r as { text: string }).text).join('\n').split('\n');
      for (const l of out.slice(seen)) if (!journaled.includes(l.text)) unjournaled.push(l.text);
      seen = out.length;
    });
    const final = await run.done;
    unsubscribe();

    assert.deepEqual(final.phase, { kind: 'finished', status: 'passed' });
    assert.deepEqual(final.steps.map((s) => [s.id, s.status]), [['modes/1', 'done'], ['modes/2', 'done']]);
    const lines = final.output.map((l) => `${l.step} ${l.stream} ${l.text}`);
    assert.deepEqual([...lines].sort(), ['modes/1 stdout hi', 'modes/2 stderr warn', 'modes/2 stdout one', 'modes/2 stdout two']);
    assert.ok(lines.indexOf('modes/2 stdout one') < lines.indexOf('modes/2 stdout two'), 'lines of a stream keep their order');
    assert.deepEqual(unjournaled, [], 'no output line reached the view before its journal record');

    const rs = records(file);
    assert.deepEqual(types(rs, 'modes/1'), ['step-started', 'step-action', 'process-started', 'output', 'step-finished']);
    const action = ofType(file, 'step-action')[0]!;
    assert.equal(action.command, 'echo hi');
    const hi = ofType(file, 'output').find((r) => r.step === 'modes/1')!;
    assert.equal(hi.stream, 'stdout');
    assert.equal(hi.text, 'hi');
    // What output-batcher.ts does: bytes and sha256 of the redacted lines joined by '\n', so an
    // untruncated excerpt can be checked against its digest. (run-types.ts documents "the sha256 of
    // the raw bytes", which would be sha256('hi\n') here.)
    assert.equal(hi.bytes, 2);
    assert.equal(hi.sha256, sha256('hi'), 'the digest verifies the (untruncated) excerpt');
    const two = ofType(file, 'output').filter((r) => r.step === 'modes/2');
    assert.equal(two.find((r) => r.stream === 'stdout')?.text, 'one\ntwo');
    assert.equal(two.find((r) => r.stream === 'stderr')?.text, 'warn');
    const fin = finishedOf(file, 'modes/1')[0]!;
    assert.equal(fin.status, 'done');
    assert.equal(fin.exitCode, 0);
    const runStarted = rs[0]!;
    assert.ok(runStarted.type === 'run-started');
    assert.deepEqual(runStarted.mode, { paranoid: false });
    assert.equal(runStarted.runbook, FILE);
    assert.deepEqual(runStarted.steps.map((s) => s.id), ['modes/1', 'modes/2']);
    const last = rs.at(-2)!;
    assert.ok(last.type === 'run-finished' && last.status === 'passed');
    assertWhole(file);
  });
});

/** File descriptors of this process open on `file`. */
const openOn = (file: string) =>
  fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  }).length;

describe('runner: the journal file', () => {
  it(
    'is closed once the run finished or stopped (no descriptor left open per run)',
    async () => {
      const { run, file } = start(book(agent('Say hi', 'echo hi')));
      await run.done;
      assert.equal(openOn(file), 0, 'finished run');
      const stopped = start(book(human('Wait')));
      await untilView(stopped.run, 'operator', (v) => v.phase.kind === 'operator');
      await stopped.run.stop();
      assert.equal(openOn(stopped.file), 0, 'stopped run');
    },
  );
});

describe('runner: --paranoid', () => {
  it('holds each [AGENT] step in confirm until confirmed; skip there records the reason', async () => {
    const { run, file } = start(book(agent('First', 'echo first'), agent('Second', 'echo second')), { paranoid: true });
    await untilView(run, 'step 1 waits for confirmation', (v) => v.phase.kind === 'confirm' && v.current === 0);
    assert.equal(run.view.get().steps[0]!.status, 'pending');
    assert.deepEqual(types(records(file)), ['run-started'], 'nothing ran before the confirmation');
    // Keys of other phases are not taken in confirm.
    run.send({ type: 'done' });
    run.send({ type: 'continue' });
    assert.equal(run.view.get().phase.kind, 'confirm');

    run.send({ type: 'confirm' });
    await untilView(run, 'step 2 waits for confirmation', (v) => v.phase.kind === 'confirm' && v.steps[0]!.status === 'done');
    assert.ok(run.view.get().output.some((l) => l.text === 'first'));

    run.send({ type: 'skip', reason: 'already done by hand' });
    const final = await run.done;
    assert.deepEqual(final.phase, { kind: 'finished', status: 'passed' });
    assert.equal(final.steps[1]!.status, 'skipped');
    assert.equal(final.steps[1]!.detail, 'already done by hand');
    assert.ok(!final.output.some((l) => l.text === 'second'), 'the skipped step never ran');
    const rs = records(file);
    assert.deepEqual(types(rs, 'modes/2'), ['step-finished'], 'a skipped step is never started');
    assert.deepEqual(finishedOf(file, 'modes/2').map((r) => [r.status, r.reason]), [['skipped', 'already done by hand']]);
    assert.deepEqual(ofType(file, 'run-started')[0]?.mode, { paranoid: true });
    assertWhole(file);
  });

  it(
    'while step 2 waits for confirmation, the view\'s current step is step 2',
    async () => {
      const { run, file } = start(book(agent('First', 'echo first'), agent('Second', 'echo second')), { paranoid: true });
      await untilView(run, 'step 1 confirm', (v) => v.phase.kind === 'confirm');
      run.send({ type: 'confirm' });
      const v = await untilView(run, 'step 2 confirm', (x) => x.phase.kind === 'confirm' && x.steps[0]!.status === 'done');
      run.send({ type: 'improvise', text: 'looked first' });
      await waitFor(() => ofType(file, 'improvised')[0], { what: 'improvised' });
      assert.equal(v.current, 1);
      assert.equal(ofType(file, 'improvised')[0]!.step, 'modes/2');
    },
  );

  it('does not ask [HUMAN] steps for confirmation', async () => {
    const { run } = start(book(human('Look at it')), { paranoid: true });
    await untilView(run, 'the human step waits for the operator', (v) => v.phase.kind === 'operator');
    run.send({ type: 'done' });
    assert.equal((await run.done).phase.kind, 'finished');
  });
});

describe('runner: --from', () => {
  const three = book(agent('One', 'echo one'), agent('Two', 'echo two'), agent('Three', 'echo three'));

  it('starts at the given step, runs only it and the ones after, and journals mode.from', async () => {
    const { run, file } = start(three, { from: '2' });
    const final = await run.done;
    assert.deepEqual(final.steps.map((s) => s.status), ['skipped', 'done', 'done']);
    assert.equal(final.steps[0]!.detail, 'not run: the run started --from a later step');
    assert.deepEqual(final.output.map((l) => l.text), ['two', 'three']);
    assert.deepEqual(ofType(file, 'run-started')[0]?.mode, { paranoid: false, from: 'modes/2' });
    assert.deepEqual(ofType(file, 'step-started').map((r) => r.step), ['modes/2', 'modes/3']);
    assertWhole(file);
  });

  it('accepts a step id too', async () => {
    const { run, file } = start(three, { from: 'modes/3' });
    await run.done;
    assert.deepEqual(ofType(file, 'step-started').map((r) => r.step), ['modes/3']);
  });

  it('refuses an unknown step', () => {
    assert.throws(() => start(three, { from: '9' }), (e: Error) => e instanceof RunError && /--from 9: no such step in "Modes" \(1-3/.test(e.message));
  });

  it(
    'a --from run whose every step ran done is passed (run-view outcome(): "failed: any step failed or aborted")',
    async () => {
      const { run, file } = start(three, { from: '2' });
      const final = await run.done;
      assert.deepEqual(final.phase, { kind: 'finished', status: 'passed' });
      assert.equal(ofType(file, 'run-finished')[0]?.status, 'passed');
    },
  );
});

describe('runner: [HUMAN] steps', () => {
  it('fail with a note: step failed with the note, phase failed; continue goes on and the run ends failed', async () => {
    const { run, file } = start(book(human('Power the node on'), agent('Then this', 'echo after')));
    await untilView(run, 'operator phase', (v) => v.phase.kind === 'operator');
    assert.equal(run.view.get().steps[0]!.status, 'running');
    // Only the operator's intents are taken: confirm/retry/continue are not.
    run.send({ type: 'confirm' });
    run.send({ type: 'retry' });
    assert.equal(run.view.get().phase.kind, 'operator');

    run.send({ type: 'fail', note: 'the node did not boot' });
    const failed = await untilView(run, 'phase failed', (v) => v.phase.kind === 'failed');
    assert.deepEqual(failed.phase, { kind: 'failed', detail: 'failed: the node did not boot' });
    assert.equal(failed.steps[0]!.status, 'failed');
    assert.equal(failed.steps[0]!.detail, 'the node did not boot');
    assert.deepEqual(finishedOf(file, 'modes/1').map((r) => [r.status, r.note]), [['failed', 'the node did not boot']]);

    run.send({ type: 'continue' });
    const final = await run.done;
    assert.deepEqual(final.steps.map((s) => s.status), ['failed', 'done']);
    assert.deepEqual(final.phase, { kind: 'finished', status: 'failed' });
    assert.equal(ofType(file, 'run-finished')[0]?.status, 'failed');
    assertWhole(file);
  });

  it('skip with a reason: skipped, and the run can still pass; done moves on', async () => {
    const { run, file } = start(book(human('Check the dump time'), human('Open the browser')));
    await untilView(run, 'step 1 operator', (v) => v.phase.kind === 'operator' && v.current === 0);
    run.send({ type: 'skip', reason: 'no dump yet' });
    await untilView(run, 'step 2 operator', (v) => v.phase.kind === 'operator' && v.current === 1);
    // assist needs an engine action: this step has none.
    run.send({ type: 'assist' });
    assert.equal(run.view.get().phase.kind, 'operator');
    run.send({ type: 'done' });
    const final = await run.done;
    assert.deepEqual(final.steps.map((s) => [s.status, s.detail]), [['skipped', 'no dump yet'], ['done', undefined]]);
    assert.deepEqual(final.phase, { kind: 'finished', status: 'passed' });
    assert.deepEqual(finishedOf(file, 'modes/1').map((r) => [r.status, r.reason]), [['skipped', 'no dump yet']]);
    assert.deepEqual(types(records(file), 'modes/1'), ['step-started', 'step-finished']);
    assertWhole(file);
  });

  it('a [HUMAN] step with verify runs its checks after done', async () => {
    const engine = stubEngine({ sealed: false });
    const { run, file } = start(book(human('Unseal by hand', 'verify:\n  - vault.unsealed')), {}, engine);
    await untilView(run, 'operator', (v) => v.phase.kind === 'operator');
    run.send({ type: 'done' });
    const final = await run.done;
    assert.equal(final.steps[0]!.status, 'done');
    assert.deepEqual(ofType(file, 'verified').map((r) => [r.probe, r.ok, r.detail]), [['vault.unsealed', true, 'Vault is unsealed']]);
  });
});

describe('runner: a failing command', () => {
  it('fails with "exit 3"; retry runs it again and, once the cause is fixed, it passes', async () => {
    const mark = path.join(marks, 'fixed');
    const { run, file } = start(book(agent('Needs the marker', `[ -f ${mark} ] || { echo missing >&2; exit 3; }\necho fixed`)));
    const failed = await untilView(run, 'phase failed', (v) => v.phase.kind === 'failed');
    assert.deepEqual(failed.phase, { kind: 'failed', detail: 'failed: exit 3' });
    assert.equal(failed.steps[0]!.status, 'failed');
    assert.equal(failed.steps[0]!.detail, 'exit 3');
    assert.deepEqual(finishedOf(file, 'modes/1').map((r) => [r.status, r.exitCode, r.reason]), [['failed', 3, 'exit 3']]);

    fs.writeFileSync(mark, '');
    run.send({ type: 'retry' });
    const final = await run.done;
    assert.equal(final.steps[0]!.status, 'done');
    assert.deepEqual(final.phase, { kind: 'finished', status: 'passed' });
    assert.ok(final.output.some((l) => l.text === 'fixed'));
    assert.equal(ofType(file, 'step-started').filter((r) => r.step === 'modes/1').length, 2, 'retried: started twice');
    assert.deepEqual(finishedOf(file, 'modes/1').map((r) => r.status), ['failed', 'done']);
    assertWhole(file);
  });

  it('continue after a failure leaves the step failed and the run failed', async () => {
    const { run } = start(book(agent('Broken', 'exit 3'), agent('Next', 'echo next')));
    await untilView(run, 'phase failed', (v) => v.phase.kind === 'failed');
    run.send({ type: 'continue' });
    const final = await run.done;
    assert.deepEqual(final.steps.map((s) => s.status), ['failed', 'done']);
    assert.deepEqual(final.phase, { kind: 'finished', status: 'failed' });
  });
});

describe('runner: requires', () => {
  it('blocks while a precondition does not hold (requires-failed, no start); retry runs once it holds', async () => {
    const engine = stubEngine({ sealed: true });
    const { run, file } = start(book(agent('Needs Vault', 'echo vault is open', 'requires:\n  - vault.unsealed')), {}, engine);
    const blocked = await untilView(run, 'phase blocked', (v) => v.phase.kind === 'blocked');
    assert.deepEqual(blocked.phase, { kind: 'blocked', detail: 'vault.unsealed: Vault is sealed' });
    assert.equal(blocked.steps[0]!.status, 'pending');
    assert.equal(blocked.steps[0]!.detail, 'requires vault.unsealed: Vault is sealed');
    assert.deepEqual(ofType(file, 'requires-failed').map((r) => [r.step, r.probe, r.detail]), [['modes/1', 'vault.unsealed', 'Vault is sealed']]);
    assert.equal(ofType(file, 'step-started').length, 0);

    // Still sealed: retry checks again and stays blocked.
    run.send({ type: 'retry' });
    await waitFor(() => ofType(file, 'requires-failed').length === 2, { what: 'a second requires-failed' });
    await untilView(run, 'blocked again', (v) => v.phase.kind === 'blocked');

    engine.setSnapshot((s) => ({ ...s, vault: { sealed: false } }));
    run.send({ type: 'retry' });
    const final = await run.done;
    assert.equal(final.steps[0]!.status, 'done');
    assert.ok(final.output.some((l) => l.text === 'vault is open'));
    assert.deepEqual(final.phase, { kind: 'finished', status: 'passed' });
    assertWhole(file);
  });

  it('a source that is not live does not satisfy a precondition', async () => {
    const engine = stubEngine({ sealed: false });
    engine.setSnapshot((s) => ({ ...s, sources: s.sources.map((x) => (x.id === 'vault' ? { ...x, status: 'stale' as const } : x)) }));
    const { run } = start(book(agent('Needs Vault', 'echo x', 'requires:\n  - vault.unsealed')), {}, engine);
    const blocked = await untilView(run, 'blocked', (v) => v.phase.kind === 'blocked');
    assert.deepEqual(blocked.phase, { kind: 'blocked', detail: 'vault.unsealed: vault is stale: cannot confirm' });
  });

  it('blocked: skip records a skipped step with the reason; fail a failed one with the note', async () => {
    const { run, file } = start(book(agent('A', 'echo a', 'requires:\n  - vault.unsealed'), agent('B', 'echo b', 'requires:\n  - vault.unsealed')));
    await untilView(run, 'step 1 blocked', (v) => v.phase.kind === 'blocked' && v.current === 0);
    run.send({ type: 'skip', reason: 'vault is not needed here' });
    await untilView(run, 'step 2 blocked', (v) => v.phase.kind === 'blocked' && v.current === 1);
    run.send({ type: 'fail', note: 'could not unseal' });
    const final = await untilView(run, 'failed phase or finished', (v) => v.phase.kind === 'finished' || v.phase.kind === 'failed');
    assert.deepEqual(final.steps.map((s) => s.status), ['skipped', 'failed']);
    assert.deepEqual(ofType(file, 'step-finished').map((r) => [r.step, r.status, r.reason ?? r.note]), [['modes/1', 'skipped', 'vault is not needed here'], ['modes/2', 'failed', 'could not unseal']]);
  });
});

describe('runner: verification', () => {
  it('a wait step whose probe never holds fails after its timeout with "timed out"', async () => {
    const { run, file } = start(book(agentLab('Wait for the unseal', 'action: wait\ntimeout: 1s\nverify:\n  - vault.unsealed')), { pollMs: 150 });
    const phases = new Set<string>();
    const unsubscribe = run.view.subscribe(() => {
      const v = run.view.get();
      if (v.phase.kind === 'verifying') phases.add(`${v.phase.probe}: ${v.notice}`);
    });
    const t0 = Date.now();
    const failed = await untilView(run, 'phase failed', (v) => v.phase.kind === 'failed', 10_000);
    unsubscribe();
    assert.ok(Date.now() - t0 >= 900, 'waited for the timeout');
    assert.ok(phases.has('vault.unsealed: Vault is sealed'), `the screen saw the probe's attempts: ${[...phases].join(' | ')}`);
    assert.equal(failed.steps[0]!.status, 'failed');
    assert.match(failed.steps[0]!.detail ?? '', /^vault\.unsealed: Vault is sealed \(timed out after \d+ s\)$/);
    assert.match(failed.phase.kind === 'failed' ? failed.phase.detail : '', /^failed: vault\.unsealed: .*timed out/);
    const verified = ofType(file, 'verified');
    assert.equal(verified.length, 1);
    assert.equal(verified[0]!.ok, false);
    assert.match(verified[0]!.detail, /timed out/);
    assert.equal(run.view.get().notice, undefined, 'the probe notice is cleared after verification');
  });

  it('passes as soon as the probe holds', async () => {
    const engine = stubEngine({ sealed: true });
    const { run, file } = start(book(agentLab('Wait for the unseal', 'action: wait\ntimeout: 30s\nverify:\n  - vault.unsealed')), {}, engine);
    await untilView(run, 'verifying', (v) => v.phase.kind === 'verifying' && v.notice === 'Vault is sealed');
    engine.setSnapshot((s) => ({ ...s, vault: { sealed: false } }));
    const final = await run.done;
    assert.equal(final.steps[0]!.status, 'done');
    assert.equal(final.steps[0]!.detail, 'vault.unsealed: Vault is unsealed');
    assert.deepEqual(ofType(file, 'verified').map((r) => [r.ok, r.detail]), [[true, 'Vault is unsealed']]);
    assert.deepEqual(ofType(file, 'step-action').map((r) => r.action), ['wait']);
  });

  it(
    'a long verification does not pile up abort listeners (Node would print MaxListenersExceededWarning over the TUI)',
    async () => {
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
      process.on('warning', onWarning);
      try {
        const { run } = start(book(agentLab('Wait', 'action: wait\ntimeout: 400ms\nverify:\n  - vault.unsealed')));
        await untilView(run, 'phase failed', (v) => v.phase.kind === 'failed');
        await new Promise((r) => setImmediate(r));
      } finally {
        process.off('warning', onWarning);
      }
      assert.deepEqual(warnings.filter((w) => /MaxListeners/.test(w)), []);
    },
  );

  it(
    'abort while verifying ends the step aborted, as abort while running does',
    async () => {
      const { run, file } = start(book(agentLab('Wait', 'action: wait\ntimeout: 30s\nverify:\n  - vault.unsealed')));
      await untilView(run, 'verifying', (v) => v.phase.kind === 'verifying');
      run.send({ type: 'abort' });
      const failed = await untilView(run, 'phase failed', (v) => v.phase.kind === 'failed');
      assert.match(failed.steps[0]!.detail ?? '', /verification aborted/);
      assert.equal(failed.steps[0]!.status, 'aborted');
      assert.equal(finishedOf(file, 'modes/1')[0]?.status, 'aborted');
    },
  );
});

describe('runner: abort', () => {
  it('aborts a running `sleep 30` quickly: step aborted, its process group gone', async () => {
    const { run, file } = start(book(agent('Sleep', 'sleep 30; echo woke'), agent('After', 'echo after')));
    const proc = await waitFor(() => ofType(file, 'process-started')[0], { what: 'the step started its process' });
    await untilView(run, 'running', (v) => v.phase.kind === 'running');
    assert.ok(liveGroupMembers(proc.pid).length > 0, 'the group runs before the abort');
    const t0 = Date.now();
    run.send({ type: 'abort' });
    const failed = await untilView(run, 'phase failed', (v) => v.phase.kind === 'failed', 10_000);
    const took = Date.now() - t0;
    assert.ok(took < 5000, `aborted in ${took} ms`);
    assert.equal(failed.steps[0]!.status, 'aborted');
    assert.match(failed.phase.kind === 'failed' ? failed.phase.detail : '', /^aborted/);
    assert.deepEqual(liveGroupMembers(proc.pid), [], 'no member of the step\'s process group is left');
    assert.equal(finishedOf(file, 'modes/1')[0]?.status, 'aborted');
    assert.ok(!run.view.get().output.some((l) => l.text === 'woke'));
    run.send({ type: 'continue' });
    const final = await run.done;
    assert.deepEqual(final.steps.map((s) => s.status), ['aborted', 'done']);
    assert.deepEqual(final.phase, { kind: 'finished', status: 'failed' });
    assertWhole(file);
  });

  it('abort outside a running step does nothing', async () => {
    const { run } = start(book(human('Wait for me')));
    await untilView(run, 'operator', (v) => v.phase.kind === 'operator');
    run.send({ type: 'abort' });
    assert.equal(run.view.get().phase.kind, 'operator');
    assert.equal(run.view.get().steps[0]!.status, 'running');
  });
});

describe('runner: stop and resume', () => {
  it('stop() mid-step records no outcome; resume marks the step interrupted, re-runs it, and the run finishes', async () => {
    const mark = path.join(marks, 'resume-ok');
    const text = book(agent('One', 'echo one'), agent('Slow', `if [ -f ${mark} ]; then echo resumed; else sleep 30; fi`), human('Confirm'));
    const engine = stubEngine();
    const { run, file } = start(text, {}, engine);
    const proc = await waitFor(() => ofType(file, 'process-started').find((r) => r.step === 'modes/2'), { what: 'step 2 started its process' });
    const t0 = Date.now();
    await run.stop();
    assert.ok(Date.now() - t0 < 5000, 'stop() does not wait for the sleep');
    assert.deepEqual(liveGroupMembers(proc.pid), [], 'stop() ended the step\'s process group');
    const before = records(file);
    assert.ok(!before.some((r) => r.type === 'run-finished'), 'a stopped run is not finished');
    assert.ok(!finishedOf(file, 'modes/2').length, 'the interrupted step has no outcome yet');
    // A stopped run takes no more intents.
    run.send({ type: 'abort' });
    run.send({ type: 'improvise', text: 'after stop' });
    assert.equal(records(file).length, before.length);

    fs.writeFileSync(mark, '');
    const resumed = await resumeRun({ file, load: (f) => parseRunbook(f, text), pollMs: 10 }, engine.deps);
    started.push(resumed.run);
    assert.deepEqual(resumed.problems, []);
    assert.equal(resumed.view.steps[0]!.status, 'done');
    assert.equal(resumed.view.steps[1]!.status, 'aborted');
    assert.match(resumed.view.steps[1]!.detail ?? '', /^interrupted: lab-tui stopped while the step ran/);
    assert.equal(resumed.view.current, 1);
    const interrupted = finishedOf(file, 'modes/2');
    assert.deepEqual(interrupted.map((r) => r.status), ['aborted']);
    assert.match(interrupted[0]!.reason ?? '', /^interrupted/);
    const resumedRecord = ofType(file, 'run-resumed');
    assert.deepEqual(resumedRecord.map((r) => r.atStep), ['modes/2']);

    const op = await untilView(resumed.run, 'step 3 waits for the operator', (v) => v.phase.kind === 'operator' && v.current === 2);
    assert.equal(op.steps[1]!.status, 'done');
    assert.ok(op.output.some((l) => l.step === 'modes/2' && l.text === 'resumed'));
    resumed.run.send({ type: 'done' });
    const final = await resumed.run.done;
    assert.deepEqual(final.steps.map((s) => s.status), ['done', 'done', 'done']);
    assert.deepEqual(final.phase, { kind: 'finished', status: 'passed' });

    const rs = records(file);
    assert.deepEqual(types(rs, 'modes/2').filter((t) => t === 'step-started' || t === 'step-finished'), ['step-started', 'step-finished', 'step-started', 'step-finished']);
    assert.equal(ofType(file, 'run-started').length, 1);
    assertWhole(file);
  });

  it('resume of a run stopped while the operator had a [HUMAN] step continues at that step', async () => {
    const text = book(agent('One', 'echo one'), human('Look'));
    const engine = stubEngine();
    const { run, file } = start(text, {}, engine);
    await untilView(run, 'operator', (v) => v.phase.kind === 'operator');
    await run.stop();
    const resumed = await resumeRun({ file, load: (f) => parseRunbook(f, text), pollMs: 10 }, engine.deps);
    started.push(resumed.run);
    await untilView(resumed.run, 'operator again', (v) => v.phase.kind === 'operator' && v.current === 1);
    resumed.run.send({ type: 'done' });
    assert.equal((await resumed.run.done).phase.kind, 'finished');
    assertWhole(file);
  });

  it('refuses a finished run, and a runbook whose section changed (RunError, journal untouched)', async () => {
    const text = book(agent('One', 'echo one'), human('Two'));
    const engine = stubEngine();
    const finished = start(book(agent('Only', 'echo only')), {}, engine);
    await finished.run.done;
    const finishedBytes = fs.readFileSync(finished.file, 'utf8');
    await assert.rejects(
      resumeRun({ file: finished.file, load: (f) => parseRunbook(f, book(agent('Only', 'echo only'))) }, engine.deps),
      (e: Error) => e instanceof RunError && /already finished; start a new one/.test(e.message) && e.message.includes(finished.file),
    );
    assert.equal(fs.readFileSync(finished.file, 'utf8'), finishedBytes);

    const { run, file } = start(text, {}, engine);
    await untilView(run, 'operator', (v) => v.phase.kind === 'operator');
    await run.stop();
    const bytes = fs.readFileSync(file, 'utf8');
    const changed = [book(agent('One', 'echo one'), human('Two'), human('Three')), book(agent('One', 'echo one'), agent('Two', 'echo two'))];
    for (const other of changed)
      await assert.rejects(
        resumeRun({ file, load: (f) => parseRunbook(f, other) }, engine.deps),
        (e: Error) => e instanceof RunError && new RegExp(`${FILE}: section "modes" changed since run \\S+ started; start a new run`).test(e.message),
      );
    await assert.rejects(
      resumeRun({ file, load: (f) => parseRunbook(f, text.replace('## Modes', '## Other')) }, engine.deps),
      (e: Error) => e instanceof RunError && /no section "modes"/.test(e.message),
    );
    assert.equal(fs.readFileSync(file, 'utf8'), bytes, 'a refused resume writes nothing');
  });
});

describe('runner: improvised actions', () => {
  it('records an improvisation without a command, and one with a command with its exit code and output', async () => {
    const { run, file } = start(book(human('Do the thing')));
    await untilView(run, 'operator', (v) => v.phase.kind === 'operator');
    run.send({ type: 'improvise', text: 'read the VSO logs' });
    await waitFor(() => ofType(file, 'improvised').length === 1, { what: 'the improvised record' });
    assert.deepEqual(run.view.get().improvised.map((x) => [x.step, x.text, x.command, x.status]), [['modes/1', 'read the VSO logs', undefined, undefined]]);

    run.send({ type: 'improvise', text: 'restart by hand', command: 'echo restarted; exit 4' });
    await untilView(run, 'the improvised command ended', (v) => v.improvised[1]?.status !== undefined);
    run.send({ type: 'improvise', text: 'check', command: 'echo all good' });
    const v = await untilView(run, 'the second command ended', (x) => x.improvised[2]?.status !== undefined);
    assert.deepEqual(v.improvised.map((x) => [x.text, x.command, x.status]), [
      ['read the VSO logs', undefined, undefined],
      ['restart by hand', 'echo restarted; exit 4', 'failed (exit 4)'],
      ['check', 'echo all good', 'ok (exit 0)'],
    ]);
    assert.ok(v.output.some((l) => l.step === 'modes/1' && l.text === 'restarted'));
    assert.ok(v.output.some((l) => l.step === 'modes/1' && l.text === 'all good'));
    assert.equal(v.phase.kind, 'operator', 'improvising does not move the step on');

    assert.deepEqual(ofType(file, 'improvised').map((r) => [r.step, r.text, r.command]), [
      ['modes/1', 'read the VSO logs', undefined],
      ['modes/1', 'restart by hand', 'echo restarted; exit 4'],
      ['modes/1', 'check', 'echo all good'],
    ]);
    assert.deepEqual(ofType(file, 'improvised-finished').map((r) => [r.status, r.exitCode]), [['failed', 4], ['ok', 0]]);
    run.send({ type: 'done' });
    await run.done;
    assertWhole(file);
  });

  it(
    'stop() does not wait for a long improvised command (it is ended like the step\'s own)',
    async () => {
      const { run, file } = start(book(human('Do the thing')));
      await untilView(run, 'operator', (v) => v.phase.kind === 'operator');
      run.send({ type: 'improvise', text: 'long', command: `sleep ${LONG_SLEEP}` });
      await waitFor(() => sleepers().length, { what: 'the improvised sleep runs' });
      const stopping = run.stop();
      try {
        const outcome = await Promise.race([stopping.then(() => 'stopped'), new Promise<string>((r) => setTimeout(r, 1500, 'still waiting'))]);
        assert.equal(outcome, 'stopped');
        assert.deepEqual(sleepers(), [], 'the improvised command was ended');
      } finally {
        // Do not let the test wait out the sleep.
        for (const pid of sleepers()) process.kill(-pid, 'SIGKILL');
        await stopping;
      }
    },
  );
});

/** An unusual duration, to find the improvised `sleep` among the machine's processes. */
const LONG_SLEEP = '29.731';
function sleepers(): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (fs.readFileSync(`/proc/${name}/cmdline`, 'utf8') === `sleep\0${LONG_SLEEP}\0`) out.push(Number(fs.readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]!.split(' ')[2]));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

describe('runner: secrets', () => {
  it('a registered secret echoed by a step and an improvised command reaches neither the view nor the journal', async () => {
    const secret = 'hunter2-S3cr3t-value';
    const engine = stubEngine();
    engine.redactor.add(secret);
    const { run, file } = start(book(agent('Leaky', `echo "the token is ${secret}"`), human('Look')), {}, engine);
    await untilView(run, 'operator', (v) => v.phase.kind === 'operator');
    run.send({ type: 'improvise', text: `tried ${secret} by hand`, command: `echo again ${secret} >&2` });
    await untilView(run, 'improvised done', (v) => v.improvised[0]?.status !== undefined);
    run.send({ type: 'fail', note: `the password ${secret} was refused` });
    await untilView(run, 'failed', (v) => v.phase.kind === 'failed');
    run.send({ type: 'continue' });
    const final = await run.done;

    assert.ok(final.output.some((l) => l.text === 'the token is [redacted]'));
    assert.ok(final.output.some((l) => l.stream === 'stderr' && l.text === 'again [redacted]'));
    assert.ok(!JSON.stringify(final).includes(secret), 'the view holds no secret');
    const journal = fs.readFileSync(file, 'utf8');
    for (const form of [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')]) assert.ok(!journal.includes(form), `the journal holds no ${form}`);
    assert.equal(ofType(file, 'step-action')[0]?.command, 'echo "the token is [redacted]"');
    assert.equal(ofType(file, 'improvised')[0]?.command, 'echo again [redacted] >&2');
  });
});
