import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createProcessRunner } from '../../engine/adapters/process.ts';
import type { Snapshot } from '../../engine/health/types.ts';
import type { EngineDeps } from '../../engine/runbook/engine-deps.ts';
import { readJournal } from '../../engine/runbook/journal.ts';
import { Redactor } from '../../engine/runbook/redact.ts';
import type { JournalRecord } from '../../engine/runbook/run-types.ts';
import type { RunbookRun } from '../../engine/runbook/runner.ts';
import type { RunView } from '../../engine/runbook/run-view.ts';
import { liveSources, T0 } from './raw-state.ts';
import { waitFor } from './wait.ts';
import { UNVETTED } from './unvetted.ts';

/** A snapshot with every source live and nothing else but Vault's seal state: what `vault.*` probes read. */
export function stubSnapshot(o: { sealed?: boolean } = {}): Snapshot {
  return {
    schema: 'lab-tui/status@1',
    takenAt: T0,
    sandbox: { name: 'stub', context: 'stub', server: 'http://127.0.0.1:1', simulated: true },
    sources: liveSources(),
    nodes: [],
    components: [],
    volumes: [],
    apps: [],
    secrets: [],
    workloads: [],
    certificates: [],
    vault: { sealed: o.sealed ?? true },
    events: [],
  };
}

const noSandbox = (what: string) => () => {
  throw new Error(`${what}: not available in this test (sh steps and wait only)`);
};

/**
 * EngineDeps without a sandbox: real shell commands in their own process group, a snapshot the
 * test sets, and no Kubernetes/Vault/PostgreSQL.
 */
export function stubEngine(o: { sealed?: boolean; refuse?: (command: string) => { rule: string; reason: string } | undefined } = {}) {
  let snapshot = stubSnapshot(o);
  const redactor = new Redactor();
  const runner = createProcessRunner({ PATH: process.env.PATH!, HOME: os.tmpdir() }, () => {}, UNVETTED);
  const deps: EngineDeps = {
    kube: async () => noSandbox('kube')(),
    vault: () => undefined,
    postgres: () => undefined,
    postgresPassword: () => undefined,
    processes: () => runner,
    vetCommand: async (command) => o.refuse?.(command),
    childEnv: { home: 'private', pass: [] },
    recovery: {},
    snapshot: () => snapshot,
    redactor,
  };
  return {
    deps,
    redactor,
    setSnapshot(edit: (s: Snapshot) => Snapshot) {
      snapshot = edit(snapshot);
    },
  };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export const records = (file: string): JournalRecord[] => readJournal(file).records;

export const ofType = <T extends JournalRecord['type']>(file: string, type: T) => records(file).filter((r): r is Extract<JournalRecord, { type: T }> => r.type === type);

const describeView = (v: RunView) =>
  JSON.stringify({ phase: v.phase, current: v.current, notice: v.notice, steps: v.steps.map((s) => `${s.id} ${s.status}${s.detail ? ` (${s.detail})` : ''}`), improvised: v.improvised, output: v.output.slice(-5) });

/** Waits (bounded) until the run's view satisfies `pred`; the timeout message shows the view. */
export function untilView(run: RunbookRun, what: string, pred: (v: RunView) => boolean, timeoutMs = 5000): Promise<RunView> {
  return waitFor(() => (pred(run.view.get()) ? run.view.get() : undefined), { what: `${what}; view: ${describeView(run.view.get())}`, timeoutMs }).catch((e: Error) => {
    throw new Error(`${e.message}\nlast view: ${describeView(run.view.get())}`);
  });
}

/** Members of a process group that are more than zombies (what a kill would have to reach). */
export function liveGroupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') out.push(Number(name));
  }
  return out;
}
