import fs from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { describe, durationMs, entriesOf, lineOf, probesOf, type Entry, type LabCtx } from '../runbook/parse-lab-values.ts';
import { LocatedErrors, type LocatedError } from '../common/located-error.ts';
import { Problems } from '../runbook/parse-problems.ts';
import { CHANGE_CLASSES, DRILL_FAULTS, type ChangeClass, type Drill, type DrillFault } from './drill-types.ts';

const KEYS = ['id', 'title', 'changeClass', 'description', 'steadyState', 'fault', 'runbook', 'acceptance', 'timeLimit', 'cleanup'];
const CLEANUPS = ['node-start', 'power-restore', 'gitops-revert'] as const;

function text(e: Entry | undefined, ctx: LabCtx, what: string, line: number, allowed?: readonly string[]): string | undefined {
  if (!e) {
    ctx.problems.add(line, `${what}: missing (required)`);
    return undefined;
  }
  if (!isScalar(e.value) || typeof e.value.value !== 'string' || !e.value.value) {
    ctx.problems.add(lineOf(e.value, ctx, e.line), `${what}: expected text, found ${describe(e.value)}`);
    return undefined;
  }
  const v = e.value.value;
  if (allowed && !allowed.includes(v)) {
    ctx.problems.add(lineOf(e.value, ctx, e.line), `${what}: expected one of ${allowed.join(', ')}, found "${v}"`);
    return undefined;
  }
  return v;
}

function mapOf(e: Entry | undefined, ctx: LabCtx, what: string, line: number, keys: string[]): Map<string, Entry> | undefined {
  if (!e) {
    ctx.problems.add(line, `${what}: missing (required)`);
    return undefined;
  }
  if (!isMap(e.value)) {
    ctx.problems.add(lineOf(e.value, ctx, e.line), `${what}: expected a mapping (${keys.join(', ')}), found ${describe(e.value)}`);
    return undefined;
  }
  const entries = entriesOf(e.value, ctx, `${what}.`, e.line);
  for (const x of entries) if (!keys.includes(x.key)) ctx.problems.add(x.line, `${what}.${x.key}: unknown field (expected one of ${keys.join(', ')})`);
  return new Map(entries.map((x) => [x.key, x]));
}

/**
 * A drill manifest (`manifests/drills/<id>.yaml`). Every problem is reported at once with its
 * file and line; probes use the runbooks' syntax and catalogue.
 */
export function parseDrill(file: string, source: string): Drill {
  const problems = new Problems(file, 'manifest');
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const ctx: LabCtx = { problems, lines, fenceLine: 0 };
  for (const e of doc.errors) problems.add(e.pos[0] >= 0 ? lines.linePos(e.pos[0]).line : 1, `YAML syntax: ${e.message.split('\n')[0]}`);
  problems.throwIfAny();
  const root = doc.contents as Node | null;
  if (!isMap(root)) {
    problems.add(1, `expected a mapping (${KEYS.join(', ')}), found ${describe(root)}`);
    problems.throwIfAny();
  }
  const entries = entriesOf(root as Node, ctx, '', 1);
  for (const e of entries) if (!KEYS.includes(e.key)) problems.add(e.line, `${e.key}: unknown field (expected one of ${KEYS.join(', ')})`);
  const get = (k: string) => entries.find((e) => e.key === k);
  const id = text(get('id'), ctx, 'id', 1);
  if (id && id !== path.basename(file, path.extname(file))) problems.add(get('id')!.line, `id: "${id}" must match the file name (${path.basename(file)})`);
  const probes = (k: string, required: boolean) => {
    const e = get(k);
    if (!e) {
      if (required) problems.add(1, `${k}: missing (required): a list of probes`);
      return [];
    }
    return probesOf(e, ctx) ?? [];
  };
  const fault = mapOf(get('fault'), ctx, 'fault', 1, ['kind', 'target', 'command', 'undo']);
  const runbook = mapOf(get('runbook'), ctx, 'runbook', 1, ['file', 'section']);
  const limit = get('timeLimit');
  const timeLimitMs = limit ? durationMs(isScalar(limit.value) ? limit.value.value : undefined) : undefined;
  if (!limit) problems.add(1, 'timeLimit: missing (required), e.g. 30m');
  else if (timeLimitMs === undefined) problems.add(limit.line, `timeLimit: expected a duration like 30m or 1h, found ${describe(limit.value)}`);
  const cleanupEntry = get('cleanup');
  const cleanup: Drill['cleanup'] = [];
  if (cleanupEntry && !isSeq(cleanupEntry.value)) problems.add(cleanupEntry.line, `cleanup: expected a list of { kind, target }, found ${describe(cleanupEntry.value)}`);
  if (cleanupEntry && isSeq(cleanupEntry.value))
    cleanupEntry.value.items.forEach((item, i) => {
      const m = mapOf({ key: `cleanup[${i}]`, line: lineOf(item as Node, ctx, cleanupEntry.line), value: item as Node }, ctx, `cleanup[${i}]`, cleanupEntry.line, ['kind', 'target']);
      const kind = m && text(m.get('kind'), ctx, `cleanup[${i}].kind`, cleanupEntry.line, CLEANUPS);
      if (kind) cleanup.push({ kind: kind as Drill['cleanup'][number]['kind'], ...(m?.get('target') ? { target: text(m.get('target'), ctx, `cleanup[${i}].target`, cleanupEntry.line) } : {}) });
    });
  const drill: Drill = {
    id: id ?? '',
    title: text(get('title'), ctx, 'title', 1) ?? '',
    changeClass: (text(get('changeClass'), ctx, 'changeClass', 1, CHANGE_CLASSES) ?? 'infra') as ChangeClass,
    description: get('description') ? (text(get('description'), ctx, 'description', 1) ?? '') : '',
    steadyState: probes('steadyState', true),
    fault: faultOf(fault, get('fault')?.line ?? 1, ctx, cleanup),
    runbook: { file: (runbook && text(runbook.get('file'), ctx, 'runbook.file', get('runbook')!.line)) ?? '', section: (runbook && text(runbook.get('section'), ctx, 'runbook.section', get('runbook')!.line)) ?? '', line: get('runbook')?.line ?? 1 },
    acceptance: probes('acceptance', true),
    timeLimitMs: timeLimitMs ?? 0,
    cleanup,
    file,
    line: 1,
    origin: 'shipped',
  };
  problems.throwIfAny();
  return drill;
}

/**
 * A built-in fault (`{ kind, target }`) or a lab's own (`{ command, undo }`: run as guarded child
 * processes, the undo becoming the drill's cleanup).
 */
function faultOf(fault: Map<string, Entry> | undefined, line: number, ctx: LabCtx, cleanup: Drill['cleanup']): Drill['fault'] {
  if (!fault) return { kind: 'command', line };
  if (fault.has('command')) {
    if (fault.has('kind') || fault.has('target')) ctx.problems.add(line, 'fault: expected either { kind, target } or { command, undo }, not both');
    const command = text(fault.get('command'), ctx, 'fault.command', line);
    const undo = fault.has('undo') ? text(fault.get('undo'), ctx, 'fault.undo', line) : undefined;
    if (undo) cleanup.push({ kind: 'undo', target: undo });
    return { kind: 'command', ...(command ? { target: command } : {}), line };
  }
  if (fault.has('undo')) ctx.problems.add(fault.get('undo')!.line, 'fault.undo: only a command fault ({ command, undo }) has an undo');
  const kind = text(fault.get('kind'), ctx, 'fault.kind', line, DRILL_FAULTS.filter((k) => k !== 'command')) as DrillFault;
  return { kind, ...(fault.get('target') ? { target: text(fault.get('target'), ctx, 'fault.target', line) } : {}), line };
}

export function loadDrill(file: string): Drill {
  const abs = path.resolve(file);
  return parseDrill(abs, fs.readFileSync(abs, 'utf8'));
}

/** Every `*.yaml` drill of a directory, sorted by id; the problems of every file at once. */
export function loadDrills(dir: string): Drill[] {
  const drills: Drill[] = [];
  const problems: LocatedError[] = [];
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.yaml')).sort()) {
    try {
      drills.push(loadDrill(path.join(dir, f)));
    } catch (e) {
      if (!(e instanceof LocatedErrors)) throw e;
      problems.push(...e.errors);
    }
  }
  if (problems.length) throw new LocatedErrors(problems, 'manifest');
  return drills;
}
