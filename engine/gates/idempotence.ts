import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ProcessRunner } from '../adapters/process.ts';
import type { GateCheck, GateResult } from './gate-result.ts';

/**
 * The `idempotence` fidelity gate: `ansible-playbook --check --diff` on the converged sandbox must
 * report changed=0 (and no failures, nothing unreachable) for every host before the same change is
 * promoted. The run uses the `json` stdout callback and reads the document it prints; the default
 * callback's screen output is never scraped.
 */

export interface IdempotenceGateOptions {
  runner: ProcessRunner;
  /** Path of the playbook to check; its directory is the working directory (so its ansible.cfg applies). */
  playbook: string;
  /** `-i` value: an inventory path or an inline host list such as `localhost,`. */
  inventory?: string;
  /** `--limit` pattern. */
  limit?: string;
  timeoutMs?: number;
  now?: Date;
}

/** Most lines of diff put in one check's `detail`. */
export const MAX_DETAIL_LINES = 40;
const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const EXPECTED_HOST = 'changed=0 failures=0 unreachable=0';

interface HostStats {
  changed: number;
  failures: number;
  unreachable: number;
}

interface AnsibleJsonDoc {
  plays: { play?: { name?: string }; tasks?: { task?: { name?: string; path?: string }; hosts?: Record<string, unknown> }[] }[];
  stats: Record<string, HostStats>;
}

export async function idempotenceGate(o: IdempotenceGateOptions): Promise<GateResult> {
  const at = (o.now ?? new Date()).toISOString();
  const playbook = path.resolve(o.playbook);
  if (!fs.existsSync(playbook) || !fs.statSync(playbook).isFile()) {
    throw new Error(`idempotence gate: playbook not found: ${playbook}`);
  }

  const args = ['--check', '--diff'];
  if (o.inventory !== undefined) args.push('-i', o.inventory);
  if (o.limit !== undefined) args.push('--limit', o.limit);
  args.push(playbook);

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-tui-idempotence-'));
  let res: Awaited<ReturnType<ProcessRunner['run']>>;
  try {
    fs.mkdirSync(path.join(scratch, 'tmp'));
    fs.mkdirSync(path.join(scratch, 'home'));
    res = await o.runner.run('ansible-playbook', args, {
      cwd: path.dirname(playbook),
      timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      env: {
        ANSIBLE_STDOUT_CALLBACK: 'json',
        ANSIBLE_LOAD_CALLBACK_PLUGINS: '1',
        ANSIBLE_NOCOLOR: '1',
        ANSIBLE_FORCE_COLOR: '0',
        ANSIBLE_RETRY_FILES_ENABLED: '0',
        ANSIBLE_LOCAL_TEMP: path.join(scratch, 'tmp'),
        ANSIBLE_HOME: path.join(scratch, 'home'),
      },
    });
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }

  const code = (res as { code?: unknown }).code;
  if (code === 'ENOENT') throw new Error('ansible-playbook not found: apt-get install ansible-core');
  if (res.timedOut) throw new Error(`idempotence gate: ansible-playbook timed out after ${o.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`);
  if (res.isCanceled) throw new Error('idempotence gate: ansible-playbook was cancelled');

  const stdout = typeof res.stdout === 'string' ? res.stdout : '';
  const stderr = typeof res.stderr === 'string' ? res.stderr : '';
  const doc = parseJsonDoc(stdout);
  if (!doc) {
    if (/could not be found/.test(stderr) && /playbook/i.test(stderr)) {
      throw new Error(`idempotence gate: playbook not found: ${playbook}`);
    }
    if (/Invalid callback for stdout specified/i.test(stderr)) {
      throw new Error(
        'idempotence gate: the json stdout callback (collection ansible.posix) is not available: apt-get install ansible',
      );
    }
    const why = firstError(stderr) || firstError(stdout) || '(no output)';
    throw new Error(`idempotence gate: ansible-playbook output is not JSON (exit ${res.exitCode ?? '?'}): ${why}`);
  }
  return judge(doc, at, scratch);
}

/** The callback's document is the whole stdout; tolerate stray lines before it (other plugins, a banner). */
function parseJsonDoc(stdout: string): AnsibleJsonDoc | undefined {
  const candidates = [stdout.trim()];
  const lines = stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.startsWith('{')) candidates.push(lines.slice(i).join('\n').trim());
  }
  for (const text of candidates) {
    if (!text.startsWith('{')) continue;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      continue;
    }
    if (isDoc(v)) return v;
  }
  return undefined;
}

function isDoc(v: unknown): v is AnsibleJsonDoc {
  if (!isObj(v) || !isObj(v.stats)) return false;
  if (v.plays !== undefined && !Array.isArray(v.plays)) return false;
  if (v.plays === undefined) (v as Record<string, unknown>).plays = [];
  return Object.values(v.stats).every(isObj);
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** The first `ERROR!` line (and the one after it), else the last non-empty line. */
function firstError(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const i = lines.findIndex((l) => l.startsWith('ERROR!'));
  if (i >= 0) return lines.slice(i, i + 2).join(' ');
  return lines.at(-1) ?? '';
}

function judge(doc: AnsibleJsonDoc, at: string, scratch: string): GateResult {
  const checks: GateCheck[] = [];
  const hosts = Object.keys(doc.stats).sort();
  let firstBad: string | undefined;

  for (const h of hosts) {
    const s = doc.stats[h] as unknown as Record<string, unknown>;
    const changed = num(s.changed);
    const failures = num(s.failures);
    const unreachable = num(s.unreachable);
    const ok = changed === 0 && failures === 0 && unreachable === 0;
    checks.push({
      name: `host ${h}`,
      expected: EXPECTED_HOST,
      observed: `changed=${changed} failures=${failures} unreachable=${unreachable}`,
      ok,
    });
    if (!ok && firstBad === undefined) {
      firstBad = `host ${h}: changed=${changed} failures=${failures} unreachable=${unreachable}`;
    }
  }

  // One check per task that changed, failed or was unreachable on some host.
  let firstTask: string | undefined;
  for (const play of doc.plays ?? []) {
    for (const t of Array.isArray(play?.tasks) ? play.tasks : []) {
      const taskName = typeof t?.task?.name === 'string' && t.task.name ? t.task.name : '(unnamed task)';
      const where = typeof t?.task?.path === 'string' && t.task.path ? `at ${t.task.path}` : undefined;
      const results = isObj(t?.hosts) ? t.hosts : {};
      for (const h of Object.keys(results).sort()) {
        const r = results[h];
        if (!isObj(r)) continue;
        const state = taskState(r);
        if (state === 'ok') continue;
        const detailLines: string[] = [];
        if (where) detailLines.push(where);
        if (state === 'changed') {
          const diff = renderDiffs(collectDiffs(r), scratch);
          detailLines.push(...(diff.length > 0 ? diff : ['(the module reported no diff)']));
        } else {
          const msg = resultMessage(r);
          if (msg) detailLines.push(...msg.split('\n'));
        }
        checks.push({
          name: `task ${taskName} on ${h}`,
          expected: 'ok (no change)',
          observed: state === 'changed' ? 'changed' : `${state}${firstLineOf(resultMessage(r))}`,
          ok: false,
          detail: bound(detailLines).join('\n'),
        });
        firstTask ??= `task "${taskName}" ${state} on ${h}`;
      }
    }
  }

  if (hosts.length === 0) {
    checks.push({ name: 'hosts', expected: 'at least one host checked', observed: 'no hosts in the play recap', ok: false });
    return {
      schema: 'lab-tui/gate@1',
      gate: 'idempotence',
      ok: false,
      summary: 'ansible-playbook --check checked no hosts (inventory/limit matched nothing)',
      checks,
      at,
    };
  }

  const ok = checks.every((c) => c.ok);
  const summary = ok
    ? `ansible-playbook --check --diff: changed=0 on ${hosts.length} host${hosts.length === 1 ? '' : 's'}`
    : `not idempotent: ${firstBad ?? 'a task did not converge'}${firstTask ? ` (first: ${firstTask})` : ''}`;
  return { schema: 'lab-tui/gate@1', gate: 'idempotence', ok, summary, checks, at };
}

type TaskState = 'ok' | 'changed' | 'failed' | 'unreachable';

function taskState(r: Record<string, unknown>): TaskState {
  if (r.unreachable === true) return 'unreachable';
  // A failure with ignore_errors is counted as `ignored`, not as a failure, in the recap.
  if (r.failed === true && r.ignore_errors !== true && r._ansible_ignore_errors !== true) return 'failed';
  if (r.changed === true) return 'changed';
  return 'ok';
}

function resultMessage(r: Record<string, unknown>): string {
  if (typeof r.msg === 'string' && r.msg) return r.msg;
  if (typeof r.stderr === 'string' && r.stderr) return r.stderr;
  if (Array.isArray(r.results)) {
    for (const item of r.results) {
      if (isObj(item) && item.failed === true) {
        const m = resultMessage(item);
        if (m) return m;
      }
    }
  }
  return '';
}

function firstLineOf(s: string): string {
  const line = s.split('\n')[0]?.trim() ?? '';
  if (!line) return '';
  return `: ${line.length > 120 ? `${line.slice(0, 117)}...` : line}`;
}

/** `diff` is a dict or a list of dicts; loop results carry their own under `results[]`. */
function collectDiffs(r: Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const add = (d: unknown) => {
    if (Array.isArray(d)) d.forEach(add);
    else if (isObj(d)) out.push(d);
  };
  add(r.diff);
  if (Array.isArray(r.results)) {
    for (const item of r.results) {
      if (isObj(item) && item.changed === true) add(item.diff);
    }
  }
  return out;
}

function renderDiffs(diffs: Record<string, unknown>[], scratch: string): string[] {
  const out: string[] = [];
  for (const d of diffs) {
    if (typeof d.prepared === 'string' && d.prepared.trim()) {
      out.push(...d.prepared.replace(/\n$/, '').split('\n'));
      continue;
    }
    if (d.before === undefined && d.after === undefined) continue;
    const before = asLines(d.before);
    const after = asLines(d.after);
    const changedLines = unifiedDiff(before, after);
    if (changedLines.length === 0) continue;
    const beforeHeader = typeof d.before_header === 'string' && d.before_header ? d.before_header : 'before';
    // `copy` names its staged temp file (under our private ANSIBLE_LOCAL_TEMP, gone by now) as the after side.
    let afterHeader = typeof d.after_header === 'string' && d.after_header ? d.after_header : 'after';
    if (afterHeader.startsWith(scratch)) afterHeader = beforeHeader === 'before' ? 'after' : `${beforeHeader} (wanted)`;
    out.push(`--- ${beforeHeader}`);
    out.push(`+++ ${afterHeader}`);
    out.push(...changedLines);
  }
  return out;
}

function asLines(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return v === '' ? [] : v.replace(/\n$/, '').split('\n');
  if (isObj(v)) return Object.keys(v).sort().map((k) => `${k}: ${JSON.stringify(v[k])}`);
  return JSON.stringify(v, null, 2).split('\n');
}

/** A small unified diff (LCS, 3 lines of context); very large inputs fall back to -/+ of everything. */
export function unifiedDiff(a: string[], b: string[], context = 3): string[] {
  if (a.length * b.length > 4_000_000) return [...a.map((l) => `-${l}`), ...b.map((l) => `+${l}`)];
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = LCS length of a[i..], b[j..]
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  type Op = { k: ' ' | '-' | '+'; line: string };
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ k: ' ', line: a[i++]! });
      j++;
    } else if (i < n && (j >= m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      ops.push({ k: '-', line: a[i++]! });
    } else {
      ops.push({ k: '+', line: b[j++]! });
    }
  }
  const out: string[] = [];
  let idx = 0;
  while (idx < ops.length) {
    while (idx < ops.length && ops[idx]!.k === ' ') idx++;
    if (idx >= ops.length) break;
    const start = Math.max(0, idx - context);
    let end = idx;
    // extend the hunk while changes are within 2*context of each other
    for (;;) {
      while (end < ops.length && ops[end]!.k !== ' ') end++;
      let next = end;
      while (next < ops.length && ops[next]!.k === ' ') next++;
      if (next < ops.length && next - end <= 2 * context) end = next;
      else break;
    }
    const stop = Math.min(ops.length, end + context);
    const hunk = ops.slice(start, stop);
    const aStart = hunkStart(ops, start, 'a');
    const bStart = hunkStart(ops, start, 'b');
    const aLen = hunk.filter((x) => x.k !== '+').length;
    const bLen = hunk.filter((x) => x.k !== '-').length;
    out.push(`@@ -${aLen === 0 ? aStart - 1 : aStart},${aLen} +${bLen === 0 ? bStart - 1 : bStart},${bLen} @@`);
    for (const x of hunk) out.push(`${x.k}${x.line}`);
    idx = stop;
  }
  return out;
}

/** 1-based line number, in a or b, at which op `at` starts. */
function hunkStart(ops: { k: string }[], at: number, side: 'a' | 'b'): number {
  let line = 1;
  for (let k = 0; k < at; k++) {
    const kind = ops[k]!.k;
    if (kind === ' ' || (side === 'a' ? kind === '-' : kind === '+')) line++;
  }
  return line;
}

function bound(lines: string[]): string[] {
  if (lines.length <= MAX_DETAIL_LINES) return lines;
  const keep = lines.slice(0, MAX_DETAIL_LINES - 1);
  keep.push(`... (${lines.length - keep.length} more lines)`);
  return keep;
}
