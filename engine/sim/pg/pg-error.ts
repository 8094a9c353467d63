/** SQLSTATE codes lab-sim answers with, named as in PostgreSQL's errcodes.txt. */
export const SQLSTATE = {
  invalidPassword: '28P01',
  invalidAuthorizationSpecification: '28000',
  invalidCatalogName: '3D000',
  undefinedTable: '42P01',
  undefinedObject: '42704',
  undefinedParameter: '42P02',
  syntaxError: '42601',
  duplicateDatabase: '42P04',
  duplicatePreparedStatement: '42P05',
  invalidSqlStatementName: '26000',
  invalidCursorName: '34000',
  objectInUse: '55006',
  objectNotInPrerequisiteState: '55000',
  wrongObjectType: '42809',
  protocolViolation: '08P01',
  featureNotSupported: '0A000',
  adminShutdown: '57P01',
  invalidTextRepresentation: '22P02',
  internalError: 'XX000',
  numericValueOutOfRange: '22003',
  invalidDatetimeFormat: '22007',
  insufficientPrivilege: '42501',
  duplicateObject: '42710',
  reservedName: '42939',
  dependentObjectsStillExist: '2BP01',
} as const;

export interface PgErrorOptions {
  severity?: 'ERROR' | 'FATAL';
  detail?: string;
  hint?: string;
}

/** An error the server reports to the client as an ErrorResponse (FATAL ones also close the session). */
export class PgError extends Error {
  readonly severity: 'ERROR' | 'FATAL';
  readonly detail: string | undefined;
  readonly hint: string | undefined;

  constructor(
    readonly code: string,
    message: string,
    opts: PgErrorOptions = {},
  ) {
    super(message);
    this.severity = opts.severity ?? 'ERROR';
    this.detail = opts.detail;
    this.hint = opts.hint;
  }
}

/** Statements outside lab-sim's SQL subset: a syntax error, as a server that cannot parse them would say. */
export function unsupported(sql: string): PgError {
  // A role statement outside the subset must not echo its password back (clients log errors).
  const redacted = sql.replace(/(PASSWORD\s+)'(?:[^']|'')*'?/gi, "$1'…'");
  const shown = redacted.length > 80 ? `${redacted.slice(0, 77)}...` : redacted;
  return new PgError(SQLSTATE.syntaxError, `lab-sim does not support this statement: ${shown}`, {
    hint: 'lab-sim speaks a small SQL subset; see engine/sim/README.md#postgresql',
  });
}
