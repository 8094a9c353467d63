import type { Postgres } from '../world/postgres.ts';
import type { TokenCursor } from './sql-cursor.ts';
import type { Column, PgTypeName, Row } from './wire-protocol.ts';

/** What a statement sees of its session and of the server. */
export interface SqlContext {
  database: string;
  user: string;
  postgres: Postgres;
  /** `SHOW` and version(): the server's reported settings. */
  setting(name: string): string | undefined;
  versionText: string;
  /** Sessions other than this one connected to `database`. */
  otherSessions(database: string): number;
  /** DROP DATABASE … WITH (FORCE): ends those sessions first. */
  terminateSessions(database: string): void;
  /** After a write to the model, so the rest of the lab reacts (pods lose their database…). */
  changed(): void;
}

export interface Outcome {
  rows: Row[];
  tag: string;
  notices?: string[];
}

export interface Plan {
  /** null for a command without a result set (NoData). */
  columns: Column[] | null;
  params: PgTypeName[];
  run(ctx: SqlContext, params: Row): Outcome;
}

/** Parses one statement form; undefined (or a cursor not at the end) when it is not that form. */
export type Builder = (c: TokenCursor) => Plan | undefined;

export function selected(rows: Row[]): Outcome {
  return { rows, tag: `SELECT ${rows.length}` };
}

/** A utility statement: no result set; `run` returns the NOTICEs to send, if any. */
export function command(tag: string, run: (ctx: SqlContext) => string[] | void): Plan {
  return { columns: null, params: [], run: (ctx) => ({ rows: [], tag, notices: run(ctx) ?? [] }) };
}
