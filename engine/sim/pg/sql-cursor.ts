import { PgError, SQLSTATE } from './pg-error.ts';
import type { Token } from './sql-tokens.ts';
import type { PgTypeName } from './wire-protocol.ts';

/** A literal or a $n parameter, with the type it has in a result column. */
export interface ValueExpr {
  type: PgTypeName;
  /** Set when written with an explicit `::type` cast (PostgreSQL then names the column after the type). */
  cast: PgTypeName | undefined;
  literal?: string;
  param?: number;
}

const CAST_TYPES: Record<string, PgTypeName> = { int: 'int4', integer: 'int4', int4: 'int4', bigint: 'int8', int8: 'int8', text: 'text', name: 'name' };
const INT_RANGE: Partial<Record<PgTypeName, [bigint, bigint, string]>> = {
  int4: [-(2n ** 31n), 2n ** 31n - 1n, 'integer'],
  int8: [-(2n ** 63n), 2n ** 63n - 1n, 'bigint'],
};

/** Walks one statement's tokens; every accept*() consumes only on a match. */
export class TokenCursor {
  private pos = 0;

  constructor(private readonly tokens: Token[]) {}

  done(): boolean {
    return this.pos === this.tokens.length;
  }

  /** Consumes the sequence when it is next: keywords (unquoted words) and punctuation, space-separated. */
  accept(sequence: string): boolean {
    const parts = sequence.split(' ');
    const matches = parts.every((part, i) => {
      const t = this.tokens[this.pos + i];
      return (t?.kind === 'word' && !t.quoted && t.text === part) || (t?.kind === 'punct' && t.text === part);
    });
    if (matches) this.pos += parts.length;
    return matches;
  }

  /** An identifier, quoted or not, optionally qualified by `schema.` (returned separately). */
  acceptName(): { schema?: string; name: string } | undefined {
    const first = this.word();
    if (first === undefined) return undefined;
    if (!this.accept('.')) return { name: first };
    const second = this.word();
    if (second === undefined) throw new PgError(SQLSTATE.syntaxError, 'syntax error at or near "."');
    return { schema: first, name: second };
  }

  /** A '…' literal (never a $n: utility statements such as CREATE ROLE take no parameters). */
  acceptString(): string | undefined {
    const t = this.tokens[this.pos];
    if (t?.kind !== 'string') return undefined;
    this.pos++;
    return t.text;
  }

  acceptValue(): ValueExpr | undefined {
    const t = this.tokens[this.pos];
    let value: ValueExpr;
    if (t?.kind === 'number' && /^[0-9]+$/.test(t.text)) value = { type: BigInt(t.text) < 2n ** 31n ? 'int4' : 'int8', cast: undefined, literal: t.text };
    else if (t?.kind === 'string') value = { type: 'text', cast: undefined, literal: t.text };
    else if (t?.kind === 'param') value = { type: 'text', cast: undefined, param: t.index };
    else return undefined;
    this.pos++;
    if (this.accept('::')) {
      const typeName = this.word();
      const cast = typeName === undefined ? undefined : CAST_TYPES[typeName];
      if (!cast) return undefined;
      value.type = cast;
      value.cast = cast;
    }
    return value;
  }

  private word(): string | undefined {
    const t = this.tokens[this.pos];
    if (t?.kind !== 'word') return undefined;
    this.pos++;
    return t.text;
  }
}

/** The $n parameters `values` refer to, with their types, for ParameterDescription. */
export function parameterTypes(values: ValueExpr[]): PgTypeName[] {
  const types: PgTypeName[] = [];
  for (const v of values) if (v.param !== undefined) types[v.param - 1] = v.type;
  return Array.from(types, (t) => t ?? 'text');
}

/** A value's text, checked against its type as PostgreSQL's input functions would. */
export function evaluate(value: ValueExpr, params: (string | null)[]): string | null {
  const text = value.param !== undefined ? params[value.param - 1] : value.literal;
  if (text === undefined) throw new PgError(SQLSTATE.undefinedParameter, `there is no parameter $${value.param}`);
  const range = INT_RANGE[value.type];
  if (text === null || !range) return text;
  const [min, max, typeLabel] = range;
  if (!/^\s*[-+]?[0-9]+\s*$/.test(text)) throw new PgError(SQLSTATE.invalidTextRepresentation, `invalid input syntax for type ${typeLabel}: "${text}"`);
  const n = BigInt(text.trim());
  if (n < min || n > max) throw new PgError(SQLSTATE.numericValueOutOfRange, `value "${text}" is out of range for type ${typeLabel}`);
  return n.toString();
}
