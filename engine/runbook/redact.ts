import { StringDecoder } from 'node:string_decoder';

/**
 * Keeps secrets off the screen, out of the journal and out of logs.
 *
 * Two layers:
 * - registered values (`add`): exact matches of the value, its standard base64 and its lower-case
 *   hex form (the encodings only for values of 8+ characters: short ones collide with ordinary text);
 *   a multi-line value is registered line by line, because redaction works on lines;
 * - well-known shapes, masked even when nobody registered them: Vault tokens, `…password=…`
 *   assignments, JSON `"…password": "…"` values, `scheme://user:pass@` credentials and PEM private
 *   key blocks.
 *
 * Base64 is only recognised standalone: inside a longer base64 blob the encoding of a secret depends
 * on its alignment, so it cannot be found by substring search.
 */
export const REDACTED = '[redacted]';
export const REDACTED_KEY = '[redacted private key]';

/** Values this short would blank out ordinary words; nobody's secret is this short. */
const MIN_SECRET_LENGTH = 4;
const MIN_ENCODED_SECRET_LENGTH = 8;
/** A partial line is held at most this long waiting for its newline. */
export const MAX_PARTIAL_LINE = 8 * 1024;

// Vault service/batch/recovery tokens (hvs./hvb./hvr.) and legacy `s.` tokens; the look-behind keeps
// `hosts.abc…` and `foo.s.abc…` intact.
const VAULT_TOKEN = /(?<![A-Za-z0-9_.-])(?:hv[sbr]|s)\.[A-Za-z0-9_-]{20,}/g;
// `password=x`, `PGPASSWORD=x`, `--db-password=x`, `?password=x&…`: the value up to whitespace, `&`
// or `;`, or a whole quoted value.
const PASSWORD_ASSIGNMENT = /(\b[A-Za-z0-9_-]*password\s*=\s*)("[^"]*"|'[^']*'|[^\s&;"']+)/gi;
const PASSWORD_JSON = /("[A-Za-z0-9_-]*password"\s*:\s*")((?:[^"\\]|\\.)+)(")/gi;
const URL_CREDENTIALS = /(\b[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)(@)/g;
const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
const PEM_END = /-----END [A-Z0-9 ]*PRIVATE KEY-----/;
/** What may appear inside a PEM block: base64 lines and the RFC 1421 headers of encrypted keys. */
const PEM_BODY = /^\s*(?:[A-Za-z0-9+/=]*|(?:Proc-Type|DEK-Info):.*)\s*$/;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface LineRedactor {
  /** Output as it arrives; bytes are decoded as UTF-8 (a character split across chunks is kept whole). */
  write(chunk: string | Uint8Array): void;
  /** Flushes the last partial line. */
  end(): void;
}

export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  add(secret: string | undefined): void {
    if (!secret) return;
    if (/[\r\n]/.test(secret)) {
      for (const line of secret.split(/\r?\n/)) this.add(line.trim());
      return;
    }
    if (secret.length < MIN_SECRET_LENGTH) return;
    const before = this.secrets.size;
    this.secrets.add(secret);
    if (secret.length >= MIN_ENCODED_SECRET_LENGTH) {
      this.secrets.add(Buffer.from(secret).toString('base64'));
      this.secrets.add(Buffer.from(secret).toString('hex'));
    }
    if (this.secrets.size !== before) this.pattern = undefined;
  }

  /** Redacts a whole text; multi-line values (PEM blocks) are handled as in `stream`. */
  redact(text: string): string {
    const out: string[] = [];
    const lines = text.split('\n');
    const state = new LineState(this);
    for (const line of lines) {
      const redacted = state.line(line);
      if (redacted !== undefined) out.push(redacted);
    }
    return out.join('\n');
  }

  /**
   * Output arrives in chunks and a secret may straddle two of them, so redaction happens on whole
   * lines: a partial line waits for its newline (or `end`). A partial line longer than
   * MAX_PARTIAL_LINE is passed on early, cut where no registered secret straddles the cut.
   * A trailing `\r` is dropped; lines inside a PEM private key block are not passed on at all.
   */
  stream(onLine: (line: string) => void): LineRedactor {
    const decoder = new StringDecoder('utf8');
    const state = new LineState(this);
    let pending = '';
    const emit = (line: string) => {
      const redacted = state.line(line.endsWith('\r') ? line.slice(0, -1) : line);
      if (redacted !== undefined) onLine(redacted);
    };
    return {
      write: (chunk) => {
        pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
        let newline: number;
        while ((newline = pending.indexOf('\n')) !== -1) {
          emit(pending.slice(0, newline));
          pending = pending.slice(newline + 1);
        }
        while (pending.length > MAX_PARTIAL_LINE) {
          const cut = this.safeCut(pending, MAX_PARTIAL_LINE);
          emit(pending.slice(0, cut));
          pending = pending.slice(cut);
        }
      },
      end: () => {
        pending += decoder.end();
        if (pending) emit(pending);
        pending = '';
      },
    };
  }

  /** Masks registered values and the single-line shapes; PEM blocks are LineState's business. */
  redactLine(line: string): string {
    const pattern = this.registered();
    let out = pattern ? line.replace(pattern, REDACTED) : line;
    out = out.replace(VAULT_TOKEN, REDACTED);
    out = out.replace(PASSWORD_JSON, (_m, key: string, _v: string, close: string) => key + REDACTED + close);
    out = out.replace(PASSWORD_ASSIGNMENT, (_m, key: string, value: string) => {
      const quote = value[0] === '"' || value[0] === "'" ? value[0] : '';
      return key + quote + REDACTED + quote;
    });
    out = out.replace(URL_CREDENTIALS, (_m, user: string, _p: string, at: string) => user + REDACTED + at);
    return out;
  }

  /** A cut at or before `at` that does not split an occurrence of a registered value. */
  private safeCut(text: string, at: number): number {
    const pattern = this.registered();
    if (!pattern) return at;
    for (const m of text.matchAll(pattern)) {
      if (m.index >= at) break;
      const end = m.index + m[0].length;
      // A value longer than the cut that starts the text is passed on whole rather than looping.
      if (end > at) return m.index > 0 ? m.index : end;
    }
    return at;
  }

  private registered(): RegExp | undefined {
    if (this.secrets.size === 0) return undefined;
    // Longest first: the alternation takes the first alternative that matches at a position.
    this.pattern ??= new RegExp([...this.secrets].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
    return this.pattern;
  }
}

/** Line-by-line redaction with memory of an open PEM block. */
class LineState {
  private inPrivateKey = false;

  constructor(private readonly redactor: Redactor) {}

  /** The redacted line, or undefined when the whole line is part of a private key. */
  line(line: string): string | undefined {
    if (this.inPrivateKey) {
      const end = PEM_END.exec(line);
      if (end) {
        this.inPrivateKey = false;
        const rest = line.slice(end.index + end[0].length);
        return rest.trim() ? this.outside(rest) : undefined;
      }
      if (PEM_BODY.test(line)) return undefined;
      // Not key material: the block was truncated; what follows is ordinary output again.
      this.inPrivateKey = false;
    }
    return this.outside(line);
  }

  private outside(line: string): string {
    const begin = PEM_BEGIN.exec(line);
    if (!begin) return this.redactor.redactLine(line);
    const before = this.redactor.redactLine(line.slice(0, begin.index)) + REDACTED_KEY;
    const after = line.slice(begin.index + begin[0].length);
    const end = PEM_END.exec(after);
    // A key on one line, as in JSON with escaped newlines: mask up to its end, carry on after it.
    if (end) return before + this.outside(after.slice(end.index + end[0].length));
    this.inPrivateKey = true;
    return before;
  }
}
