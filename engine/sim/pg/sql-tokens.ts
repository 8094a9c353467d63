import { PgError, SQLSTATE } from './pg-error.ts';

/**
 * A lexical token. Unquoted words are folded to lower case as PostgreSQL folds identifiers and
 * keywords; `quoted` marks a "quoted identifier", which is never a keyword.
 */
export type Token =
  | { kind: 'word'; text: string; quoted: boolean }
  | { kind: 'number'; text: string }
  | { kind: 'string'; text: string }
  | { kind: 'param'; index: number }
  | { kind: 'punct'; text: string };

export interface Statement {
  /** The statement's source text, for error messages. */
  text: string;
  tokens: Token[];
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

/** Splits a Query message into statements at top-level semicolons; empty statements are dropped. */
export function splitStatements(sql: string): Statement[] {
  const statements: Statement[] = [];
  let tokens: Token[] = [];
  let start = 0;
  const flush = (end: number) => {
    if (tokens.length) statements.push({ text: sql.slice(start, end).trim(), tokens });
    tokens = [];
    start = end + 1;
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw new PgError(SQLSTATE.syntaxError, `unterminated /* comment at or near "${sql.slice(i, i + 20)}"`);
      i = end + 2;
    } else if (c === ';') {
      flush(i);
      i++;
    } else if (c === "'" || c === '"') {
      const [text, next] = quoted(sql, i, c);
      tokens.push(c === "'" ? { kind: 'string', text } : { kind: 'word', text, quoted: true });
      i = next;
    } else if (c === '$' && /[0-9]/.test(sql[i + 1] ?? '')) {
      const digits = /^[0-9]+/.exec(sql.slice(i + 1))?.[0] as string;
      tokens.push({ kind: 'param', index: Number(digits) });
      i += 1 + digits.length;
    } else if (/[0-9]/.test(c)) {
      const text = /^[0-9]+(\.[0-9]+)?/.exec(sql.slice(i))?.[0] as string;
      tokens.push({ kind: 'number', text });
      i += text.length;
    } else if (WORD_START.test(c)) {
      let end = i + 1;
      while (end < sql.length && WORD_PART.test(sql[end] as string)) end++;
      tokens.push({ kind: 'word', text: sql.slice(i, end).toLowerCase(), quoted: false });
      i = end;
    } else if (sql.startsWith('::', i)) {
      tokens.push({ kind: 'punct', text: '::' });
      i += 2;
    } else {
      // Operators lab-sim does not know still make valid SQL: the planner reports them as unsupported.
      tokens.push({ kind: 'punct', text: c });
      i++;
    }
  }
  flush(sql.length);
  return statements;
}

/** A '…' literal or "…" identifier starting at `start`; a doubled quote stands for itself. */
function quoted(sql: string, start: number, quote: string): [string, number] {
  let text = '';
  let i = start + 1;
  for (;;) {
    const end = sql.indexOf(quote, i);
    if (end < 0) {
      const what = quote === "'" ? 'quoted string' : 'quoted identifier';
      throw new PgError(SQLSTATE.syntaxError, `unterminated ${what} at or near "${sql.slice(start)}"`);
    }
    text += sql.slice(i, end);
    if (sql[end + 1] !== quote) return [text, end + 1];
    text += quote;
    i = end + 2;
  }
}
