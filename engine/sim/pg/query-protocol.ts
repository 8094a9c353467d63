import { PgError, SQLSTATE } from './pg-error.ts';
import type { Outcome, Plan, SqlContext } from './sql-plan.ts';
import { planStatement } from './sql-statements.ts';
import { splitStatements } from './sql-tokens.ts';
import { backend, type FieldReader, type Row } from './wire-protocol.ts';

/** A parsed statement; null plan for an empty query string. */
interface Prepared {
  plan: Plan | null;
}

interface Portal extends Prepared {
  params: Row;
}

/**
 * The simple (Query) and extended (Parse/Bind/Describe/Execute/Sync) query protocols of an
 * established session. There are no transactions: every statement commits at once, so the
 * transaction status in ReadyForQuery is always idle.
 */
export class QueryProtocol {
  private readonly statements = new Map<string, Prepared>();
  private readonly portals = new Map<string, Portal>();
  /** After an error in an extended-protocol batch, messages are discarded until Sync. */
  private skippingToSync = false;

  constructor(
    private readonly send: (message: Buffer) => void,
    private readonly ctx: SqlContext,
  ) {}

  /** Handles one message; returns true so the caller reads on. FATAL errors are thrown. */
  handle(type: string, body: FieldReader): boolean {
    if (type === 'S') {
      this.skippingToSync = false;
      this.portals.delete('');
      this.send(backend.readyForQuery());
      return true;
    }
    if (this.skippingToSync) return true;
    try {
      this.dispatch(type, body);
    } catch (err) {
      if (!(err instanceof PgError) || err.severity === 'FATAL') throw err;
      this.send(backend.errorResponse(err));
      if (type === 'Q') this.send(backend.readyForQuery());
      else this.skippingToSync = true;
    }
    return true;
  }

  private dispatch(type: string, body: FieldReader): void {
    switch (type) {
      case 'Q':
        return this.simpleQuery(body.cstring());
      case 'P':
        return this.parse(body);
      case 'B':
        return this.bind(body);
      case 'D':
        return this.describe(body.byte(), body.cstring());
      case 'E':
        // The row limit is ignored: results are small, every portal runs to completion.
        return this.execute(this.portal(body.cstring()));
      case 'C': {
        const kind = body.byte();
        (kind === 'S' ? this.statements : this.portals).delete(body.cstring());
        return this.send(backend.closeComplete());
      }
      case 'H':
        return; // Flush: every response is written as soon as it is ready.
      default:
        throw new PgError(SQLSTATE.protocolViolation, `invalid frontend message type ${type.charCodeAt(0)}`, { severity: 'FATAL' });
    }
  }

  /** Runs each statement in turn; the first error ends the query string. */
  private simpleQuery(sql: string): void {
    const statements = splitStatements(sql);
    if (!statements.length) this.send(backend.emptyQueryResponse());
    for (const statement of statements) {
      const plan = planStatement(statement);
      const outcome = plan.run(this.ctx, []);
      if (plan.columns) this.send(backend.rowDescription(plan.columns));
      this.sendOutcome(outcome);
    }
    this.send(backend.readyForQuery());
  }

  private parse(body: FieldReader): void {
    const name = body.cstring();
    const statements = splitStatements(body.cstring());
    // Parameter type OIDs the client may declare (body.int16() of them) are not needed: every
    // parameter of the subset has a type fixed by the statement or is text.
    if (statements.length > 1) throw new PgError(SQLSTATE.syntaxError, 'cannot insert multiple commands into a prepared statement');
    if (name && this.statements.has(name)) throw new PgError(SQLSTATE.duplicatePreparedStatement, `prepared statement "${name}" already exists`);
    const statement = statements[0];
    this.statements.set(name, { plan: statement ? planStatement(statement) : null });
    this.send(backend.parseComplete());
  }

  private bind(body: FieldReader): void {
    const portalName = body.cstring();
    const statementName = body.cstring();
    const prepared = this.statement(statementName);
    const formats = Array.from({ length: body.int16() }, () => body.int16());
    const params: Row = Array.from({ length: body.int16() }, () => {
      const length = body.int32();
      return length < 0 ? null : body.bytes(length).toString('utf8');
    });
    const resultFormats = Array.from({ length: body.int16() }, () => body.int16());
    if (formats.some((f) => f !== 0) || resultFormats.some((f) => f !== 0)) {
      throw new PgError(SQLSTATE.featureNotSupported, 'lab-sim exchanges parameters and results in text format only');
    }
    const required = prepared.plan?.params.length ?? 0;
    if (params.length !== required) {
      throw new PgError(SQLSTATE.protocolViolation, `bind message supplies ${params.length} parameters, but prepared statement "${statementName}" requires ${required}`);
    }
    this.portals.set(portalName, { plan: prepared.plan, params });
    this.send(backend.bindComplete());
  }

  private describe(kind: string, name: string): void {
    const target = kind === 'S' ? this.statement(name) : this.portal(name);
    if (kind === 'S') this.send(backend.parameterDescription(target.plan?.params ?? []));
    this.send(target.plan?.columns ? backend.rowDescription(target.plan.columns) : backend.noData());
  }

  private execute(portal: Portal): void {
    if (!portal.plan) return this.send(backend.emptyQueryResponse());
    this.sendOutcome(portal.plan.run(this.ctx, portal.params));
  }

  private sendOutcome(outcome: Outcome): void {
    const messages = [...(outcome.notices ?? []).map(backend.notice), ...outcome.rows.map(backend.dataRow), backend.commandComplete(outcome.tag)];
    this.send(Buffer.concat(messages));
  }

  private statement(name: string): Prepared {
    const found = this.statements.get(name);
    if (!found) throw new PgError(SQLSTATE.invalidSqlStatementName, name ? `prepared statement "${name}" does not exist` : 'unnamed prepared statement does not exist');
    return found;
  }

  private portal(name: string): Portal {
    const found = this.portals.get(name);
    if (!found) throw new PgError(SQLSTATE.invalidCursorName, name ? `portal "${name}" does not exist` : 'unnamed portal does not exist');
    return found;
  }
}
