import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

// Server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL does it: the user name comes
// from the startup packet (the SCRAM `n=` attribute is ignored), no channel binding over plain TCP.

export const SCRAM_MECHANISM = 'SCRAM-SHA-256';
/** PostgreSQL's default scram_iterations. */
const ITERATIONS = 4096;

const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();

/** What pg_authid keeps for a SCRAM password: never the password itself. */
export interface ScramVerifier {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

export function scramVerifier(password: string, salt: Buffer): ScramVerifier {
  const salted = pbkdf2Sync(password, salt, ITERATIONS, 32, 'sha256');
  return { salt, iterations: ITERATIONS, storedKey: sha256(hmac(salted, 'Client Key')), serverKey: hmac(salted, 'Server Key') };
}

/**
 * One exchange. `verifier` is undefined for an unknown role: like PostgreSQL, the exchange still
 * runs to the end (with `decoy` salt) and fails there, so a client cannot probe for role names.
 */
export class ScramExchange {
  private gs2Header = '';
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';

  constructor(
    private readonly verifier: ScramVerifier | undefined,
    private readonly decoy: ScramVerifier,
  ) {}

  /** client-first-message → server-first-message, or null when the message is malformed. */
  first(clientFirst: string): string | null {
    const match = /^([ny],[^,]*,)(n=[^,]*,r=([^,]+)(?:,.*)?)$/.exec(clientFirst);
    if (!match) return null;
    this.gs2Header = match[1] as string;
    this.clientFirstBare = match[2] as string;
    this.nonce = (match[3] as string) + randomBytes(18).toString('base64');
    const v = this.verifier ?? this.decoy;
    this.serverFirst = `r=${this.nonce},s=${v.salt.toString('base64')},i=${v.iterations}`;
    return this.serverFirst;
  }

  /** client-final-message → server-final-message when the proof holds, null otherwise. */
  final(clientFinal: string): string | null {
    const match = /^(c=([^,]*),r=([^,]+)),p=([A-Za-z0-9+/=]+)$/.exec(clientFinal);
    if (!match || match[3] !== this.nonce || !this.verifier) return null;
    // The channel-binding attribute must echo the GS2 header of the first message.
    if (match[2] !== Buffer.from(this.gs2Header).toString('base64')) return null;
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${match[1]}`;
    const proof = Buffer.from(match[4] as string, 'base64');
    const signature = hmac(this.verifier.storedKey, authMessage);
    if (proof.length !== signature.length) return null;
    const clientKey = Buffer.from(proof.map((byte, i) => byte ^ (signature[i] as number)));
    if (!timingSafeEqual(sha256(clientKey), this.verifier.storedKey)) return null;
    return `v=${hmac(this.verifier.serverKey, authMessage).toString('base64')}`;
  }
}
