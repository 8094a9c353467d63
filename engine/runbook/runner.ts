import path from 'node:path';
import { createStore, type Store } from '../common/store.ts';
import { DEFAULT_ACTION_TIMEOUT_MS } from './catalog.ts';
import type { EngineDeps } from './engine-deps.ts';
import type { ProbeContext } from './evaluate-probe.ts';
import type { Journal } from './journal.ts';
import { OutputBatcher } from './output-batcher.ts';
import { runAction, type ActionResult } from './run-action.ts';
import { runCommand } from './run-command.ts';
import { processStartTime } from './leftover-process.ts';
import { loadRunbook } from './parse-runbook.ts';
import { stepCommands } from './step-commands.ts';
import type { JournalRecord, NewRecord } from './run-types.ts';
import { applyRecord, OUTPUT_LINES, outcome, type Phase, type RunView } from './run-view.ts';
import type { Section, Step } from './types.ts';
import { firstFailing, waitForProbe } from './verify-probes.ts';

/** What the operator asks of the run; each phase accepts some of them (see Phase). */
export type Intent =
  | { type: 'done' }
  | { type: 'fail'; note: string }
  | { type: 'skip'; reason: string }
  | { type: 'assist' }
  | { type: 'confirm' }
  | { type: 'retry' }
  | { type: 'continue' }
  | { type: 'abort' }
  | { type: 'improvise'; text: string; command?: string };

type Waited = Exclude<Intent['type'], 'abort' | 'improvise'>;

export interface RunOptions {
  section: Section;
  journal: Journal;
  paranoid: boolean;
  /** Verification polling interval (1 s; tests use less). */
  pollMs?: number;
  /** The journal outlives the run (a drill appends its outcome after it); else it is closed at the end. */
  keepJournalOpen?: boolean;
  /** Awaited before each step starts: a drill holds the walkthrough while its fault is still unfolding. */
  beforeStep?: () => Promise<void>;
}

export interface RunbookRun {
  readonly view: Store<RunView>;
  send(intent: Intent): void;
  /** Resolves with the final view when the run finishes or is stopped (a stopped run stays resumable). */
  readonly done: Promise<RunView>;
  /** Quits without finishing: aborts what is running, records no outcome, so `lab-tui resume` continues. */
  stop(): Promise<void>;
}

const STOPPED = Symbol('stopped');
const SETTLE_MS = 10_000;

/**
 * Walks a section's steps from `startAt`. Every transition is appended to the journal (fsync)
 * before the view changes, so what the operator saw is always on disk.
 */
export function runSection(view0: RunView, startAt: number, opts: RunOptions, deps: EngineDeps): RunbookRun {
  const { section, journal } = opts;
  const view = createStore<RunView>(view0);
  const record = (r: NewRecord): JournalRecord => {
    const written = journal.append(r);
    view.set((v) => applyRecord(v, written) ?? v);
    return written;
  };
  const setPhase = (phase: Phase) => view.set((v) => ({ ...v, phase }));
  const batcher = new OutputBatcher(record, (lines) => view.set((v) => ({ ...v, output: [...v.output, ...lines].slice(-OUTPUT_LINES) })));

  let stopped = false;
  let running: AbortController | undefined;
  const improvisedRunning = new Set<AbortController>();
  let waiting: { allowed: Set<Waited>; resolve: (i: Intent | typeof STOPPED) => void } | undefined;
  /** Shows the phase and waits for one of the intents it allows; listening starts before the phase shows, so an answer given at once is not lost. */
  const ask = (phase: Phase, ...allowed: Waited[]) => {
    const answer = new Promise<Intent | typeof STOPPED>((resolve) => (waiting = { allowed: new Set(allowed), resolve }));
    setPhase(phase);
    return answer;
  };

  const probeCtx = (stepStartedAt: Date): ProbeContext => ({
    snapshot: deps.snapshot,
    stepStartedAt,
    async sql(database, query) {
      const pg = deps.postgres();
      if (!pg) throw new Error('no PostgreSQL configured (sandbox.postgres)');
      return pg.query(query, [], { database });
    },
    async sh(command) {
      const r = await runCommand(deps.processes(), command, { timeoutMs: 30_000, onLine: () => {}, redactor: deps.redactor });
      return r.exitCode;
    },
  });

  const emitFor = (step: string) => (stream: 'stdout' | 'stderr', text: string) => batcher.push({ step, stream, text });

  /** A step's engine action when it has one, else its command ([HUMAN] commands are only shown). */
  async function execute(step: Step): Promise<ActionResult> {
    const lab = step.lab;
    const command = lab?.action ? undefined : step.command?.code;
    record({ type: 'step-action', step: step.id, ...(command !== undefined ? { command: deps.redactor.redact(command) } : { action: lab?.action, params: lab?.params }) });
    running = new AbortController();
    const timeoutMs = lab?.timeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS;
    try {
      const onStart = (pid: number) => record({ type: 'process-started', step: step.id, pid, startTime: processStartTime(pid) });
      if (command !== undefined) return await runCommand(deps.processes(), command, { timeoutMs, signal: running.signal, onLine: emitFor(step.id), redactor: deps.redactor, onStart });
      return await runAction(lab!.action!, lab!.params, deps, { signal: running.signal, timeoutMs, emit: emitFor(step.id) });
    } catch (e) {
      return { status: running.signal.aborted ? 'aborted' : 'failed', reason: deps.redactor.redact((e as Error).message) };
    } finally {
      batcher.flush();
      running = undefined;
    }
  }

  /** Runs the verify probes in order; the first that does not hold fails the step (`aborted` when the operator stopped it). */
  async function verify(step: Step, startedAt: Date): Promise<{ failure?: string; aborted: boolean }> {
    const controller = (running = new AbortController());
    try {
      for (const probe of step.lab?.verify ?? []) {
        setPhase({ kind: 'verifying', probe: probe.probe });
        const r = await waitForProbe(probe, {
          ctx: probeCtx(startedAt),
          signal: running.signal,
          pollMs: opts.pollMs ?? 1000,
          stepTimeoutMs: step.lab?.timeoutMs,
          onAttempt: (_, res) => view.set((v) => ({ ...v, phase: { kind: 'verifying', probe: probe.probe }, notice: res.detail })),
        });
        record({ type: 'verified', step: step.id, probe: probe.probe, ok: r.ok, detail: r.detail, durationMs: r.durationMs });
        if (!r.ok) return { failure: `${probe.probe}: ${r.detail}`, aborted: controller.signal.aborted };
      }
      return { aborted: false };
    } finally {
      running = undefined;
      view.set((v) => ({ ...v, notice: undefined }));
    }
  }

  /** Preconditions are judged on answers, not on sources still connecting at start-up. */
  async function sourcesSettled(): Promise<void> {
    const deadline = Date.now() + SETTLE_MS;
    while (!stopped && Date.now() < deadline && deps.snapshot().sources.some((s) => s.status === 'connecting')) await new Promise((r) => setTimeout(r, 50));
  }

  const steps = [...section.steps];

  /** The first command of the step the isolation guard refuses: its `sh`, then its probes' commands. */
  async function refusedCommand(step: Step): Promise<{ rule: string; reason: string; line: number } | undefined> {
    for (const c of stepCommands(step)) {
      const refused = await deps.vetCommand(c.code);
      if (refused) return { ...refused, line: c.line };
    }
    return undefined;
  }

  /** The step as the runbook file says it now: the operator may have fixed it while the step was blocked. */
  function reread(step: Step): Step {
    let fresh: Step | undefined;
    let digest = '';
    try {
      const rb = loadRunbook(view.get().runbook);
      digest = rb.digest;
      fresh = rb.sections.find((x) => x.id === section.id)?.steps.find((x) => x.id === step.id && x.kind === step.kind);
    } catch {
      return step;
    }
    if (!fresh || JSON.stringify(fresh) === JSON.stringify(step)) return step;
    record({ type: 'runbook-reloaded', step: step.id, digest });
    steps[step.number - 1] = fresh;
    return fresh;
  }

  /** 'next', 'retry' (run the same step again) or STOPPED. */
  async function runStep(original: Step): Promise<'next' | 'retry' | typeof STOPPED> {
    let step = original;
    // The step in hand from the start, so a confirmation or an improvisation is about this step.
    view.set((v) => ({ ...v, current: step.number - 1 }));
    for (;;) {
      const refused = await refusedCommand(step);
      if (stopped) return STOPPED;
      if (!refused) break;
      record({ type: 'command-refused', step: step.id, ...refused });
      const it = await ask({ kind: 'blocked', detail: `refused by the isolation guard (${refused.rule}): ${refused.reason} — ${path.basename(view.get().runbook)}:${refused.line}` }, 'retry', 'skip', 'fail');
      if (it === STOPPED) return STOPPED;
      if (it.type === 'skip' || it.type === 'fail') {
        record({ type: 'step-finished', step: step.id, status: it.type === 'skip' ? 'skipped' : 'failed', durationMs: 0, ...(it.type === 'skip' ? { reason: it.reason } : { note: it.note }) });
        return 'next';
      }
      step = reread(step);
    }
    const requires = step.lab?.requires ?? [];
    if (requires.length) await sourcesSettled();
    for (;;) {
      const failing = requires.length ? await firstFailing(requires, probeCtx(new Date())) : undefined;
      if (stopped) return STOPPED;
      if (!failing) break;
      record({ type: 'requires-failed', step: step.id, probe: failing.probe.probe, detail: failing.result.detail });
      const it = await ask({ kind: 'blocked', detail: `${failing.probe.probe}: ${failing.result.detail}` }, 'retry', 'skip', 'fail');
      if (it === STOPPED) return STOPPED;
      if (it.type === 'skip' || it.type === 'fail') {
        record({ type: 'step-finished', step: step.id, status: it.type === 'skip' ? 'skipped' : 'failed', durationMs: 0, ...(it.type === 'skip' ? { reason: it.reason } : { note: it.note }) });
        return 'next';
      }
    }
    if (step.kind === 'AGENT' && opts.paranoid) {
      const it = await ask({ kind: 'confirm' }, 'confirm', 'skip');
      if (it === STOPPED) return STOPPED;
      if (it.type === 'skip') {
        record({ type: 'step-finished', step: step.id, status: 'skipped', durationMs: 0, reason: it.reason });
        return 'next';
      }
    }
    const started = new Date();
    const elapsed = () => Date.now() - started.getTime();
    record({ type: 'step-started', step: step.id, kind: step.kind, title: step.title });
    let result: ActionResult = { status: 'ok' };
    if (step.kind === 'HUMAN') {
      const it = await ask({ kind: 'operator' }, 'done', 'fail', 'skip', ...(step.lab?.action ? (['assist'] as const) : []));
      if (it === STOPPED) return STOPPED;
      if (it.type === 'fail' || it.type === 'skip') {
        record({ type: 'step-finished', step: step.id, status: it.type === 'fail' ? 'failed' : 'skipped', durationMs: elapsed(), ...(it.type === 'fail' ? { note: it.note } : { reason: it.reason }) });
        return afterFailure(it.type === 'fail' ? 'failed' : 'skipped', it.type === 'fail' ? it.note : '');
      }
      if (it.type === 'assist') {
        setPhase({ kind: 'running' });
        result = await execute(step);
      }
    } else {
      setPhase({ kind: 'running' });
      result = await execute(step);
    }
    if (stopped) return STOPPED;
    const checked = result.status === 'ok' ? await verify(step, started) : { failure: result.reason ?? (result.status === 'timed-out' ? 'timed out' : result.exitCode !== undefined ? `exit ${result.exitCode}` : result.status), aborted: false };
    if (stopped) return STOPPED;
    const failure = checked.failure;
    const status = result.status === 'aborted' || checked.aborted ? 'aborted' : failure ? 'failed' : 'done';
    record({ type: 'step-finished', step: step.id, status, durationMs: elapsed(), ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}), ...(failure ? { reason: failure } : {}) });
    return status === 'done' ? 'next' : afterFailure(status, failure ?? '');
  }

  async function afterFailure(status: string, detail: string): Promise<'next' | 'retry' | typeof STOPPED> {
    if (status === 'skipped') return 'next';
    const it = await ask({ kind: 'failed', detail: `${status}${detail ? `: ${detail}` : ''}` }, 'retry', 'continue');
    if (it === STOPPED) return STOPPED;
    return it.type === 'retry' ? 'retry' : 'next';
  }

  async function improvise(text: string, command: string | undefined) {
    const v = view.get();
    const step = v.steps[Math.min(v.current, v.steps.length - 1)]?.id ?? section.id;
    record({ type: 'improvised', step, text, ...(command ? { command: deps.redactor.redact(command) } : {}) });
    if (!command) return;
    const refused = await deps.vetCommand(command);
    if (refused) {
      record({ type: 'improvised-finished', step, status: 'refused', durationMs: 0, reason: `${refused.rule}: ${refused.reason}` });
      view.set((v) => ({ ...v, notice: `improvised command refused by the isolation guard (${refused.rule}): ${refused.reason}` }));
      return;
    }
    const controller = new AbortController();
    improvisedRunning.add(controller);
    const r = await runCommand(deps.processes(), command, { timeoutMs: DEFAULT_ACTION_TIMEOUT_MS, signal: controller.signal, onLine: emitFor(step), redactor: deps.redactor }).finally(() => improvisedRunning.delete(controller));
    batcher.flush();
    record({ type: 'improvised-finished', step, status: r.status, exitCode: r.exitCode, durationMs: r.durationMs });
  }

  const done = (async () => {
    for (let i = startAt; i < steps.length; ) {
      await opts.beforeStep?.();
      if (stopped) return view.get();
      const next = await runStep(steps[i]!);
      if (next === STOPPED) return view.get();
      if (next === 'next') i++;
    }
    record({ type: 'run-finished', status: outcome(view.get()), durationMs: Date.now() - Date.parse(view.get().startedAt) });
    // A drill's journal goes on after its walkthrough: the drill seals it.
    if (!opts.keepJournalOpen) journal.seal();
    return view.get();
  })().finally(() => opts.keepJournalOpen || journal.close());
  const improvising = new Set<Promise<void>>();

  return {
    view,
    done,
    send(intent) {
      if (stopped || view.get().phase.kind === 'finished') return;
      if (intent.type === 'abort') return running?.abort();
      if (intent.type === 'improvise') {
        const p = improvise(intent.text, intent.command).catch((e) => view.set((v) => ({ ...v, notice: `improvised step not recorded: ${(e as Error).message}` })));
        improvising.add(p);
        void p.finally(() => improvising.delete(p));
        return;
      }
      if (!waiting?.allowed.has(intent.type)) return;
      const w = waiting;
      waiting = undefined;
      w.resolve(intent);
    },
    async stop() {
      stopped = true;
      running?.abort();
      for (const c of improvisedRunning) c.abort();
      waiting?.resolve(STOPPED);
      await done;
      await Promise.all(improvising);
      batcher.flush();
    },
  };
}
