import { isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import { PROBES, type CatalogEntry } from './catalog.ts';
import type { Problems } from './parse-problems.ts';
import type { ProbeSpec } from './types.ts';

/** Where a ```lab block's YAML sits in the runbook, to turn YAML offsets into file lines. */
export interface LabCtx {
  problems: Problems;
  lines: LineCounter;
  /** File line of the opening fence: YAML line 1 is the line after it. */
  fenceLine: number;
}

export type ParamValue = string | number | boolean;

/** A mapping entry with a plain string key, as the lab block and probe maps use. */
export interface Entry {
  key: string;
  line: number;
  value: Node | null;
}

export function lineOf(node: Node | null | undefined, ctx: LabCtx, fallback: number): number {
  const start = node?.range?.[0];
  return start === undefined || start < 0 ? fallback : ctx.fenceLine + ctx.lines.linePos(start).line;
}

export function describe(node: Node | null | undefined): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  return isScalar(node) ? describeValue(node.value) : 'an alias';
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  return typeof value === 'string' ? JSON.stringify(value) : `${typeof value} ${String(value)}`;
}

/** A mapping's entries; a key that is not a plain string is reported and skipped. */
export function entriesOf(node: Node, ctx: LabCtx, field: string, fallback: number): Entry[] {
  if (!isMap(node)) return [];
  const out: Entry[] = [];
  for (const pair of node.items) {
    const key = pair.key as Node | null;
    const line = lineOf(key, ctx, fallback);
    if (isScalar(key) && typeof key.value === 'string' && key.value !== '') out.push({ key: key.value, line, value: pair.value as Node | null });
    else ctx.problems.add(line, `${field}expected a plain name as key, found ${describe(key)}`);
  }
  return out;
}

export const has = (record: Record<string, CatalogEntry>, name: string): boolean => Object.hasOwn(record, name);

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `90s`, `2m`, `1h30m`, `500ms`, or a YAML number of seconds → milliseconds. */
export function durationMs(value: unknown): number | undefined {
  let ms: number;
  if (typeof value === 'number') ms = value * 1000;
  else if (typeof value === 'string') {
    const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
    if (!parts.length || parts.map((p) => p[0]).join('') !== value) return undefined;
    ms = parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0);
  } else return undefined;
  ms = Math.round(ms);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

export function timeoutOf(entry: Entry, ctx: LabCtx, field: string): number | undefined {
  const value = isScalar(entry.value) ? entry.value.value : undefined;
  const ms = durationMs(value);
  if (ms === undefined) ctx.problems.add(lineOf(entry.value, ctx, entry.line), `${field}timeout: expected a duration like 90s, 2m, 1h or 500ms, or a number of seconds, found ${describe(entry.value)}`);
  return ms;
}

/** Checks entries against a catalog entry's params: known names, scalar types, required ones present. */
export function paramsOf(entries: Entry[], spec: CatalogEntry, ctx: LabCtx, opts: { field: string; what: string; otherKeys: string[]; line: number }): Record<string, ParamValue> {
  const params: Record<string, ParamValue> = {};
  const allowed = [...opts.otherKeys, ...spec.params.map((p) => p.name)];
  for (const entry of entries) {
    const param = spec.params.find((p) => p.name === entry.key);
    if (!param) {
      ctx.problems.add(entry.line, `${opts.field}${entry.key}: unknown parameter of ${opts.what} (expected one of ${allowed.join(', ')})`);
      continue;
    }
    const value = isScalar(entry.value) ? entry.value.value : undefined;
    const ok = param.type === 'number' ? typeof value === 'number' && Number.isFinite(value) : typeof value === param.type;
    if (ok) params[param.name] = value as ParamValue;
    else {
      const quote = param.type === 'string' && (typeof value === 'number' || typeof value === 'boolean') ? ' (quote it to make it a string)' : '';
      ctx.problems.add(lineOf(entry.value, ctx, entry.line), `${opts.field}${entry.key}: expected a ${param.type}, found ${describe(entry.value)}${quote}`);
    }
  }
  for (const param of spec.params)
    if (param.required && !entries.some((e) => e.key === param.name))
      ctx.problems.add(opts.line, `${opts.field}${param.name}: missing required parameter of ${opts.what} (${param.description})`);
  return params;
}

const PROBE_FORMS = 'a probe name, { <probe>: <value> } or { probe: <name>, <param>: <value>, … }';

function knownProbe(name: unknown, ctx: LabCtx, field: string, line: number): CatalogEntry | undefined {
  if (typeof name === 'string' && has(PROBES, name)) return PROBES[name];
  ctx.problems.add(line, `${field}expected a probe, one of ${Object.keys(PROBES).join(', ')}, found ${describeValue(name)}`);
  return undefined;
}

/** One `verify:`/`requires:` item in any of its three forms. */
function probeOf(node: Node | null, ctx: LabCtx, field: string, fallback: number): ProbeSpec | undefined {
  const line = lineOf(node, ctx, fallback);
  const label = `${field}: `;
  if (isScalar(node) && typeof node.value === 'string') {
    const spec = knownProbe(node.value, ctx, label, line);
    return spec && { probe: node.value, params: paramsOf([], spec, ctx, { field: `${field}.`, what: node.value, otherKeys: [], line }), line };
  }
  if (!isMap(node)) {
    ctx.problems.add(line, `${label}expected ${PROBE_FORMS}, found ${describe(node)}`);
    return undefined;
  }
  const entries = entriesOf(node, ctx, label, line);
  const timeout = entries.find((e) => e.key === 'timeout');
  const timeoutMs = timeout && timeoutOf(timeout, ctx, `${field}.`);
  const explicit = entries.find((e) => e.key === 'probe');
  const rest = entries.filter((e) => e !== timeout && e !== explicit);
  let probe: string;
  let params: Record<string, ParamValue>;
  if (explicit) {
    const name = isScalar(explicit.value) ? explicit.value.value : undefined;
    const spec = knownProbe(name, ctx, `${field}.probe: `, explicit.line);
    if (!spec) return undefined;
    probe = name as string;
    params = paramsOf(rest, spec, ctx, { field: `${field}.`, what: probe, otherKeys: ['probe', 'timeout'], line });
  } else {
    const only = rest[0];
    if (rest.length !== 1 || !only) {
      ctx.problems.add(line, `${label}expected ${PROBE_FORMS}, found a mapping with ${rest.length} keys`);
      return undefined;
    }
    const spec = knownProbe(only.key, ctx, label, only.line);
    if (!spec) return undefined;
    probe = only.key;
    const empty = only.value === null || (isScalar(only.value) && only.value.value === null);
    if (!empty && !spec.shorthand) {
      ctx.problems.add(only.line, `${label}${probe} takes no value in the { ${probe}: <value> } form (write it as "- ${probe}" or use probe: ${probe} with named parameters)`);
      return undefined;
    }
    params = paramsOf(empty ? [] : [{ ...only, key: spec.shorthand! }], spec, ctx, { field: `${field}.`, what: probe, otherKeys: [], line });
  }
  return timeoutMs === undefined ? { probe, params, line } : { probe, params, timeoutMs, line };
}

/** `verify:` / `requires:`: a list of probes. Returns undefined when the key is not a list. */
export function probesOf(entry: Entry, ctx: LabCtx): ProbeSpec[] | undefined {
  if (!isSeq(entry.value)) {
    ctx.problems.add(lineOf(entry.value, ctx, entry.line), `${entry.key}: expected a list of probes (- <probe>), found ${describe(entry.value)}`);
    return undefined;
  }
  const out: ProbeSpec[] = [];
  entry.value.items.forEach((item, i) => {
    const probe = probeOf(item as Node | null, ctx, `${entry.key}[${i}]`, entry.line);
    if (probe) out.push(probe);
  });
  return out;
}
