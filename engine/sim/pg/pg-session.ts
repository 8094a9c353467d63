import { randomInt } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Postgres } from '../world/postgres.ts';
import { PgError, SQLSTATE } from './pg-error.ts';
import { SCRAM_MECHANISM, ScramExchange, type ScramVerifier } from './scram.ts';
import type { SqlContext } from './sql-plan.ts';
import { databaseExists } from './sql-statements.ts';
import { QueryProtocol } from './query-protocol.ts';
import { backend, MessageReader, STARTUP_CODE, type FieldReader } from './wire-protocol.ts';

/** What every session shares: the model (roles and their verifiers), the other sessions. */
export interface PgServerContext {
  postgres: Postgres;
  /** Salt and keys for the SCRAM exchange run for unknown roles. */
  decoy: ScramVerifier;
  serverVersion: string;
  versionText: string;
  nextProcessId(): number;
  otherSessions(database: string, self: PgSession): number;
  terminateSessions(database: string, except: PgSession): void;
  changed(): void;
}

const SASL = { request: 10, continue: 11, final: 12 } as const;
const AUTH_OK = 0;

/**
 * One client connection: startup (SSL refused, SCRAM-SHA-256 against the role's stored keys), then the simple
 * and extended query protocols (QueryProtocol). Errors of severity FATAL end the connection.
 */
export class PgSession {
  /** The database of an established session; undefined before authentication and once it ends. */
  database: string | undefined;
  private requestedDatabase = '';
  private user = '';
  private phase: 'startup' | 'sasl-first' | 'sasl-final' | 'ready' = 'startup';
  private readonly reader = new MessageReader();
  private scram: ScramExchange | undefined;
  private queries: QueryProtocol | undefined;
  private settings: Record<string, string> = {};

  constructor(
    private readonly socket: Socket,
    private readonly server: PgServerContext,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    // A client vanishing mid-message is its own business; the socket is cleaned up on 'close'.
    socket.on('error', () => socket.destroy());
  }

  /** The server ends this session, as pg_terminate_backend() or DROP DATABASE … (FORCE) do. */
  terminate(): void {
    this.fatal(new PgError(SQLSTATE.adminShutdown, 'terminating connection due to administrator command', { severity: 'FATAL' }));
  }

  private receive(chunk: Buffer): void {
    this.reader.push(chunk);
    try {
      while (!this.socket.destroyed && this.socket.writable && this.next()) {
        /* each call handles one message */
      }
    } catch (err) {
      // A bug in lab-sim ends this session, not the whole simulator, like a crashing backend.
      this.fatal(err instanceof PgError ? err : new PgError(SQLSTATE.internalError, `lab-sim internal error: ${String(err)}`, { severity: 'FATAL' }));
    }
  }

  /** Handles the next complete message; false when more bytes are needed or the session ended. */
  private next(): boolean {
    if (this.phase === 'startup') {
      const packet = this.reader.nextStartup();
      if (packet) this.startup(packet);
      return !!packet;
    }
    const msg = this.reader.nextTyped();
    if (!msg) return false;
    if (msg.type === 'X') {
      this.socket.end();
      return false;
    }
    if (this.phase === 'ready') return (this.queries as QueryProtocol).handle(msg.type, msg.body);
    if (msg.type !== 'p') throw new PgError(SQLSTATE.protocolViolation, `expected SASL response, got message type ${msg.type.charCodeAt(0)}`, { severity: 'FATAL' });
    if (this.phase === 'sasl-first') this.saslFirst(msg.body);
    else this.saslFinal(msg.body);
    return true;
  }

  private startup(packet: FieldReader): void {
    const code = packet.int32();
    if (code === STARTUP_CODE.ssl || code === STARTUP_CODE.gssEnc) {
      // Like a server built or configured without SSL/GSSAPI: the client goes on in plain text.
      this.socket.write('N');
      return;
    }
    if (code === STARTUP_CODE.cancel) {
      // Every statement completes at once, so there is never anything to cancel.
      this.socket.end();
      return;
    }
    if (code !== STARTUP_CODE.protocol3) {
      throw new PgError(SQLSTATE.featureNotSupported, `unsupported frontend protocol ${code >>> 16}.${code & 0xffff}: server supports 3.0 to 3.0`, { severity: 'FATAL' });
    }
    const params: Record<string, string> = {};
    for (let key = packet.cstring(); key !== ''; key = packet.cstring()) params[key] = packet.cstring();
    if (!params.user) throw new PgError(SQLSTATE.invalidAuthorizationSpecification, 'no PostgreSQL user name specified in startup packet', { severity: 'FATAL' });
    this.user = params.user;
    this.requestedDatabase = params.database || params.user;
    this.settings = this.reportedSettings(params);
    this.scram = new ScramExchange(this.server.postgres.roles.get(this.user)?.verifier, this.server.decoy);
    this.phase = 'sasl-first';
    this.socket.write(backend.authentication(SASL.request, Buffer.from(`${SCRAM_MECHANISM}\0\0`)));
  }

  private saslFirst(body: FieldReader): void {
    const mechanism = body.cstring();
    if (mechanism !== SCRAM_MECHANISM) throw new PgError(SQLSTATE.protocolViolation, 'client selected an invalid SASL authentication mechanism', { severity: 'FATAL' });
    const length = body.int32();
    const serverFirst = length < 0 ? null : (this.scram as ScramExchange).first(body.bytes(length).toString('utf8'));
    if (serverFirst === null) throw new PgError(SQLSTATE.protocolViolation, 'malformed SCRAM message', { severity: 'FATAL' });
    this.phase = 'sasl-final';
    this.socket.write(backend.authentication(SASL.continue, Buffer.from(serverFirst)));
  }

  private saslFinal(body: FieldReader): void {
    const serverFinal = (this.scram as ScramExchange).final(body.bytes(body.remaining).toString('utf8'));
    this.scram = undefined;
    const role = this.server.postgres.roles.get(this.user);
    // The same message for a wrong password, an unknown role and an expired VALID UNTIL, as PostgreSQL does.
    if (serverFinal === null || !role || this.server.postgres.expired(role)) {
      throw new PgError(SQLSTATE.invalidPassword, `password authentication failed for user "${this.user}"`, { severity: 'FATAL' });
    }
    this.socket.write(Buffer.concat([backend.authentication(SASL.final, Buffer.from(serverFinal)), backend.authentication(AUTH_OK)]));
    // Authentication comes first: only an authenticated client learns whether it may log in and which databases exist.
    if (!role.login) throw new PgError(SQLSTATE.invalidAuthorizationSpecification, `role "${this.user}" is not permitted to log in`, { severity: 'FATAL' });
    const database = this.requestedDatabase;
    if (!databaseExists(this.server.postgres, database)) throw new PgError(SQLSTATE.invalidCatalogName, `database "${database}" does not exist`, { severity: 'FATAL' });
    if (database === 'template0') throw new PgError(SQLSTATE.objectNotInPrerequisiteState, `database "${database}" is not currently accepting connections`, { severity: 'FATAL' });
    this.phase = 'ready';
    this.database = database;
    this.queries = new QueryProtocol((buffer) => this.socket.write(buffer), this.sqlContext(database));
    const status = Object.entries(this.settings).map(([name, value]) => backend.parameterStatus(name, value));
    this.socket.write(Buffer.concat([...status, backend.backendKeyData(this.server.nextProcessId(), randomInt(2 ** 31)), backend.readyForQuery()]));
  }

  /** The GUC_REPORT settings a PostgreSQL 16 server sends after authentication, as the official image has them. */
  private reportedSettings(params: Record<string, string>): Record<string, string> {
    return {
      application_name: params.application_name ?? '',
      client_encoding: /^(utf-?8|unicode)$/i.test(params.client_encoding ?? 'UTF8') ? 'UTF8' : (params.client_encoding as string).toUpperCase(),
      DateStyle: 'ISO, MDY',
      default_transaction_read_only: 'off',
      in_hot_standby: 'off',
      integer_datetimes: 'on',
      IntervalStyle: 'postgres',
      is_superuser: this.server.postgres.roles.get(this.user)?.superuser ? 'on' : 'off',
      server_encoding: 'UTF8',
      server_version: this.server.serverVersion,
      session_authorization: this.user,
      standard_conforming_strings: 'on',
      TimeZone: 'Etc/UTC',
    };
  }

  private sqlContext(database: string): SqlContext {
    const { server } = this;
    const [major = 0, minor = 0] = server.serverVersion.split('.').map(Number);
    const shown: Record<string, string> = { server_version_num: String(major * 10000 + minor) };
    for (const [name, value] of Object.entries(this.settings)) shown[name.toLowerCase()] = value;
    return {
      database,
      user: this.user,
      postgres: server.postgres,
      versionText: server.versionText,
      setting: (name) => shown[name.toLowerCase()],
      otherSessions: (db) => server.otherSessions(db, this),
      terminateSessions: (db) => server.terminateSessions(db, this),
      changed: () => server.changed(),
    };
  }

  private fatal(err: PgError): void {
    this.database = undefined;
    if (this.socket.writable) this.socket.end(backend.errorResponse(err));
    else this.socket.destroy();
  }
}
