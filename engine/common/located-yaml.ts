import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { LocatedError, LocatedErrors } from './located-error.ts';

/**
 * A tiny schema language over YAML nodes that keeps source positions, so every
 * validation error names file, line and field instead of "invalid config".
 */
export interface Ctx {
  file: string;
  lines: LineCounter;
  errors: LocatedError[];
  hint?: string;
}

export type Schema<T> = (node: Node | null | undefined, ctx: Ctx, field: string, parentLine: number) => T | undefined;

function lineOf(node: Node | null | undefined, ctx: Ctx, fallback: number): number {
  const start = node?.range?.[0];
  return start === undefined ? fallback : ctx.lines.linePos(start).line;
}

function fail(ctx: Ctx, line: number, field: string, detail: string): undefined {
  ctx.errors.push(new LocatedError({ file: ctx.file, line }, `${field}: ${detail}`, ctx.hint));
  return undefined;
}

function describe(node: Node | null | undefined): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return node.value === null ? 'null' : `${typeof node.value} ${JSON.stringify(node.value)}`;
  return 'an alias';
}

export const str =
  (opts: { pattern?: RegExp; what?: string } = {}): Schema<string> =>
  (node, ctx, field, parent) => {
    const line = lineOf(node, ctx, parent);
    if (!isScalar(node) || typeof node.value !== 'string' || node.value === '')
      return fail(ctx, line, field, `expected ${opts.what ?? 'a non-empty string'}, found ${describe(node)}`);
    if (opts.pattern && !opts.pattern.test(node.value))
      return fail(ctx, line, field, `expected ${opts.what ?? `a value matching ${opts.pattern}`}, found ${JSON.stringify(node.value)}`);
    return node.value;
  };

export const int =
  (opts: { min?: number; max?: number } = {}): Schema<number> =>
  (node, ctx, field, parent) => {
    const line = lineOf(node, ctx, parent);
    const v = isScalar(node) ? node.value : undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) return fail(ctx, line, field, `expected an integer, found ${describe(node)}`);
    if ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max))
      return fail(ctx, line, field, `expected an integer in [${opts.min ?? '-∞'}, ${opts.max ?? '∞'}], found ${v}`);
    return v;
  };

export const bool = (): Schema<boolean> => (node, ctx, field, parent) => {
  const v = isScalar(node) ? node.value : undefined;
  if (typeof v !== 'boolean') return fail(ctx, lineOf(node, ctx, parent), field, `expected true or false, found ${describe(node)}`);
  return v;
};

export const oneOf =
  <T extends string>(values: readonly T[]): Schema<T> =>
  (node, ctx, field, parent) => {
    const v = isScalar(node) ? node.value : undefined;
    if (typeof v !== 'string' || !values.includes(v as T))
      return fail(ctx, lineOf(node, ctx, parent), field, `expected one of ${values.join(', ')}, found ${describe(node)}`);
    return v as T;
  };

export const list =
  <T>(item: Schema<T>): Schema<T[]> =>
  (node, ctx, field, parent) => {
    const line = lineOf(node, ctx, parent);
    if (!isSeq(node)) return fail(ctx, line, field, `expected a list, found ${describe(node)}`);
    const out: T[] = [];
    node.items.forEach((child, i) => {
      const v = item(child as Node, ctx, `${field}[${i}]`, line);
      if (v !== undefined) out.push(v);
    });
    return out;
  };

/** Map with free keys (e.g. env vars, node name → value). */
export const dict =
  <T>(value: Schema<T>): Schema<Record<string, T>> =>
  (node, ctx, field, parent) => {
    const line = lineOf(node, ctx, parent);
    if (!isMap(node)) return fail(ctx, line, field, `expected a mapping, found ${describe(node)}`);
    const out: Record<string, T> = {};
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '?';
      const v = value(pair.value as Node, ctx, `${field}.${key}`, lineOf(pair.key as Node, ctx, line));
      if (v !== undefined) out[key] = v;
    }
    return out;
  };

/** A scalar read by `scalar`, a mapping by `mapping` (e.g. `host:port` or `{ name, address }`). */
export const scalarOrMap =
  <A, B>(scalar: Schema<A>, mapping: Schema<B>): Schema<A | B> =>
  (node, ctx, field, parent) =>
    isMap(node) ? mapping(node, ctx, field, parent) : scalar(node, ctx, field, parent);

/** A field that no longer exists: its presence is an error saying what replaced it. */
export const removed =
  (replacement: string): Schema<never> =>
  (node, ctx, field, parent) =>
    fail(ctx, lineOf(node, ctx, parent), field, `no longer exists: ${replacement}`);

type Fields = Record<string, { schema: Schema<unknown>; required: boolean }>;
type Out<F extends Fields> = { [K in keyof F as F[K]['required'] extends true ? K : never]: NonNullable<ReturnType<F[K]['schema']>> } & {
  [K in keyof F as F[K]['required'] extends true ? never : K]?: NonNullable<ReturnType<F[K]['schema']>>;
};

export const req = <T>(schema: Schema<T>) => ({ schema, required: true as const });
export const opt = <T>(schema: Schema<T>) => ({ schema, required: false as const });

/** A mapping with known keys; unknown keys are errors because they are usually typos. */
export const obj =
  <F extends Fields>(fields: F): Schema<Out<F>> =>
  (node, ctx, field, parent) => {
    const line = lineOf(node, ctx, parent);
    if (!isMap(node)) return fail(ctx, line, field, `expected a mapping, found ${describe(node)}`);
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    const prefix = field ? `${field}.` : '';
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '?';
      const keyLine = lineOf(pair.key as Node, ctx, line);
      seen.add(key);
      const spec = fields[key];
      if (!spec) {
        fail(ctx, keyLine, `${prefix}${key}`, `unknown field (expected one of ${Object.keys(fields).join(', ')})`);
        continue;
      }
      const v = spec.schema(pair.value as Node, ctx, `${prefix}${key}`, keyLine);
      if (v !== undefined) out[key] = v;
    }
    for (const [key, spec] of Object.entries(fields))
      if (spec.required && !seen.has(key)) fail(ctx, line, `${prefix}${key}`, 'missing required field');
    return out as Out<F>;
  };

/** Parses YAML text and validates it; throws LocatedErrors listing every problem found. */
export function parseYaml<T>(text: string, file: string, schema: Schema<T>, hint?: string): T {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const ctx: Ctx = { file, lines, errors: [], hint };
  for (const e of doc.errors) {
    // linePos is only filled with prettyErrors; the offset is always there.
    const pos = e.linePos?.[0] ?? (e.pos?.[0] !== undefined ? lines.linePos(e.pos[0]) : undefined);
    ctx.errors.push(new LocatedError({ file, line: pos?.line ?? 1, column: pos?.col }, `YAML syntax: ${e.message.split('\n')[0]}`, hint));
  }
  if (ctx.errors.length) throw new LocatedErrors(ctx.errors);
  const value = schema(doc.contents as Node | null, ctx, '', 1);
  if (ctx.errors.length || value === undefined) throw new LocatedErrors(ctx.errors.length ? ctx.errors : [new LocatedError({ file, line: 1 }, 'empty document', hint)]);
  return value;
}
