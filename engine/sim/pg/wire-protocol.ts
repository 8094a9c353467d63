import { PgError, SQLSTATE } from './pg-error.ts';

// PostgreSQL frontend/backend protocol 3.0 framing and the backend messages lab-sim sends
// (https://www.postgresql.org/docs/16/protocol-message-formats.html).

/** Startup-phase request codes (the int32 after the length in an untyped first message). */
export const STARTUP_CODE = { protocol3: 196608, ssl: 80877103, gssEnc: 80877104, cancel: 80877102 } as const;

/** Type OIDs and sizes from pg_type, for RowDescription and ParameterDescription. */
const PG_TYPE = {
  name: { oid: 19, size: 64 },
  int8: { oid: 20, size: 8 },
  int4: { oid: 23, size: 4 },
  text: { oid: 25, size: -1 },
} as const;
export type PgTypeName = keyof typeof PG_TYPE;

export interface Column {
  name: string;
  type: PgTypeName;
  /** Catalog table and column number the value comes from (0 for computed values). */
  tableOid?: number;
  attnum?: number;
}

export type Row = (string | null)[];

// Real servers cap startup packets at 10000 bytes; other messages are bounded here because
// nothing in lab-sim's SQL subset needs more.
const MAX_STARTUP_LENGTH = 10_000;
const MAX_MESSAGE_LENGTH = 1 << 20;

/** Splits the byte stream into messages: the untyped startup ones first, then typed ones. */
export class MessageReader {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
  }

  nextStartup(): FieldReader | undefined {
    if (this.buffer.length < 4) return undefined;
    const length = this.buffer.readInt32BE(0);
    if (length < 8 || length > MAX_STARTUP_LENGTH) throw new PgError(SQLSTATE.protocolViolation, 'invalid length of startup packet', { severity: 'FATAL' });
    return this.take(0, length);
  }

  nextTyped(): { type: string; body: FieldReader } | undefined {
    if (this.buffer.length < 5) return undefined;
    const type = String.fromCharCode(this.buffer[0] as number);
    const length = this.buffer.readInt32BE(1);
    if (length < 4 || length > MAX_MESSAGE_LENGTH) throw new PgError(SQLSTATE.protocolViolation, `invalid message length ${length}`, { severity: 'FATAL' });
    const body = this.take(1, length);
    return body && { type, body };
  }

  /** The message at `offset` whose length field (counting itself) is `length`, minus that field. */
  private take(offset: number, length: number): FieldReader | undefined {
    if (this.buffer.length < offset + length) return undefined;
    const body = this.buffer.subarray(offset + 4, offset + length);
    this.buffer = this.buffer.subarray(offset + length);
    return new FieldReader(body);
  }
}

export class FieldReader {
  private pos = 0;

  constructor(private readonly body: Buffer) {}

  get remaining(): number {
    return this.body.length - this.pos;
  }

  int16(): number {
    this.need(2);
    const value = this.body.readInt16BE(this.pos);
    this.pos += 2;
    return value;
  }

  int32(): number {
    this.need(4);
    const value = this.body.readInt32BE(this.pos);
    this.pos += 4;
    return value;
  }

  byte(): string {
    this.need(1);
    return String.fromCharCode(this.body[this.pos++] as number);
  }

  bytes(length: number): Buffer {
    this.need(length);
    const value = this.body.subarray(this.pos, this.pos + length);
    this.pos += length;
    return value;
  }

  cstring(): string {
    const end = this.body.indexOf(0, this.pos);
    if (end < 0) throw malformed();
    const value = this.body.toString('utf8', this.pos, end);
    this.pos = end + 1;
    return value;
  }

  private need(length: number): void {
    if (this.pos + length > this.body.length) throw malformed();
  }
}

function malformed(): PgError {
  return new PgError(SQLSTATE.protocolViolation, 'invalid message format', { severity: 'FATAL' });
}

function message(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const cstr = (text: string) => Buffer.from(`${text}\0`, 'utf8');
const int16 = (value: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(value);
  return b;
};
const int32 = (value: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(value);
  return b;
};

export const backend = {
  authentication: (code: number, data: Buffer = Buffer.alloc(0)) => message('R', int32(code), data),
  parameterStatus: (name: string, value: string) => message('S', cstr(name), cstr(value)),
  backendKeyData: (pid: number, secret: number) => message('K', int32(pid), int32(secret)),
  readyForQuery: () => message('Z', Buffer.from('I')),
  parseComplete: () => message('1'),
  bindComplete: () => message('2'),
  closeComplete: () => message('3'),
  noData: () => message('n'),
  emptyQueryResponse: () => message('I'),
  commandComplete: (tag: string) => message('C', cstr(tag)),
  parameterDescription: (types: PgTypeName[]) => message('t', int16(types.length), ...types.map((t) => int32(PG_TYPE[t].oid))),
  rowDescription: (columns: Column[]) =>
    message('T', int16(columns.length), ...columns.flatMap((c) => [cstr(c.name), int32(c.tableOid ?? 0), int16(c.attnum ?? 0), int32(PG_TYPE[c.type].oid), int16(PG_TYPE[c.type].size), int32(-1), int16(0)])),
  dataRow: (row: Row) =>
    message('D', int16(row.length), ...row.flatMap((v) => (v === null ? [int32(-1)] : [int32(Buffer.byteLength(v)), Buffer.from(v, 'utf8')]))),
  errorResponse: (err: PgError) => message('E', ...noticeFields(err.severity, err.code, err.message, err.detail, err.hint)),
  notice: (text: string) => message('N', ...noticeFields('NOTICE', '00000', text)),
};

/** Severity twice: 'S' may be localised, 'V' (since 9.6) never is; clients read either. */
function noticeFields(severity: string, code: string, text: string, detail?: string, hint?: string): Buffer[] {
  const field = (key: string, value: string | undefined) => (value === undefined ? [] : [Buffer.from(key), cstr(value)]);
  return [...field('S', severity), ...field('V', severity), ...field('C', code), ...field('M', text), ...field('D', detail), ...field('H', hint), Buffer.from([0])];
}
