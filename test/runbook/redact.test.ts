import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_PARTIAL_LINE, REDACTED, REDACTED_KEY, Redactor } from '../../engine/runbook/redact.ts';

const SECRET = 'unseal-key-7f3a9c';

function withSecrets(...secrets: string[]): Redactor {
  const r = new Redactor();
  for (const s of secrets) r.add(s);
  return r;
}

/** Feeds the chunks to a stream and returns the lines it passed on. */
function streamed(r: Redactor, chunks: (string | Uint8Array)[]): string[] {
  const lines: string[] = [];
  const s = r.stream((line) => lines.push(line));
  for (const c of chunks) s.write(c);
  s.end();
  return lines;
}

describe('registered secrets', () => {
  it('are masked at the start, middle and end of a line, whole, and repeated', () => {
    const r = withSecrets(SECRET);
    assert.equal(r.redact(SECRET), REDACTED);
    assert.equal(r.redact(`${SECRET} is the key`), `${REDACTED} is the key`);
    assert.equal(r.redact(`key=${SECRET};`), `key=${REDACTED};`);
    assert.equal(r.redact(`the key: ${SECRET}`), `the key: ${REDACTED}`);
    assert.equal(r.redact(`${SECRET}${SECRET}\n${SECRET}\n`), `${REDACTED}${REDACTED}\n${REDACTED}\n`);
  });

  it('the longest wins where secrets overlap', () => {
    const r = withSecrets('abcd', 'abcdefgh-long');
    assert.equal(r.redact('x abcdefgh-long y abcd z'), `x ${REDACTED} y ${REDACTED} z`);
  });

  it('treats regular-expression characters literally', () => {
    const r = withSecrets('p@$$.w(rd)*');
    assert.equal(r.redact('pw p@$$.w(rd)* end; p@$$Xw(rd) stays'), `pw ${REDACTED} end; p@$$Xw(rd) stays`);
  });

  it('ignores values shorter than 4 characters and undefined', () => {
    const r = withSecrets('abc', '');
    r.add(undefined);
    assert.equal(r.redact('abc abcd'), 'abc abcd');
  });

  it('masks the base64 and hex forms of values of 8+ characters only', () => {
    const r = withSecrets(SECRET, 'short1');
    const b64 = Buffer.from(SECRET).toString('base64');
    const hex = Buffer.from(SECRET).toString('hex');
    assert.equal(r.redact(`b64 ${b64} hex ${hex}`), `b64 ${REDACTED} hex ${REDACTED}`);
    const shortB64 = Buffer.from('short1').toString('base64');
    assert.equal(r.redact(shortB64), shortB64);
  });

  it('registers a multi-line value line by line', () => {
    const r = withSecrets('first-line-of-it\nsecond-line-of-it\n');
    assert.equal(r.redact('a first-line-of-it b\nsecond-line-of-it'), `a ${REDACTED} b\n${REDACTED}`);
  });
});

describe('well-known shapes, registered or not', () => {
  const r = new Redactor();

  it('Vault tokens', () => {
    assert.equal(r.redact('token hvs.CAESIJ1abcdefghijklmnopqrstuv_-XYZ ok'), `token ${REDACTED} ok`);
    assert.equal(r.redact('VAULT_TOKEN=hvb.AAAAAQJ1abcdefghijklmnopq'), `VAULT_TOKEN=${REDACTED}`);
    assert.equal(r.redact('"s.Xy12Ab34Cd56Ef78Gh90Ij12"'), `"${REDACTED}"`);
  });

  it('password assignments, unquoted and quoted', () => {
    assert.equal(r.redact('PGPASSWORD=hunter2 pg_restore -d erp'), `PGPASSWORD=${REDACTED} pg_restore -d erp`);
    assert.equal(r.redact('export DB_PASSWORD="a b c"'), `export DB_PASSWORD="${REDACTED}"`);
    assert.equal(r.redact("password='x y'; next"), `password='${REDACTED}'; next`);
    assert.equal(r.redact('https://h/login?user=a&password=pw1&x=1'), `https://h/login?user=a&password=${REDACTED}&x=1`);
    assert.equal(r.redact('--db-password=pw2'), `--db-password=${REDACTED}`);
  });

  it('JSON password values', () => {
    assert.equal(r.redact('{"user": "app", "password": "p\\"w3", "db": "erp"}'), `{"user": "app", "password": "${REDACTED}", "db": "erp"}`);
    assert.equal(r.redact('{"adminPassword":"pw4"}'), `{"adminPassword":"${REDACTED}"}`);
  });

  it('URL credentials keep the user', () => {
    assert.equal(r.redact('dsn postgres://erp:s3cr3t@10.0.0.5:5432/erp'), `dsn postgres://erp:${REDACTED}@10.0.0.5:5432/erp`);
    assert.equal(r.redact('postgresql://:onlypass@host/db'), `postgresql://:${REDACTED}@host/db`);
  });

  it('PEM private key blocks, multi-line and on one line', () => {
    const key = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEA1x2y3z', 'AbCdEf+/==', '-----END RSA PRIVATE KEY-----'].join('\n');
    assert.equal(r.redact(`before\n${key}\nafter\n`), `before\n${REDACTED_KEY}\nafter\n`);
    const json = '{"key":"-----BEGIN PRIVATE KEY-----\\nMIIEvQ\\n-----END PRIVATE KEY-----\\n","crt":"x"}';
    assert.equal(r.redact(json), `{"key":"${REDACTED_KEY}\\n","crt":"x"}`);
  });

  it('a truncated PEM block ends at the first line that is not key material', () => {
    assert.equal(r.redact('-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\nError: unexpected EOF'), `${REDACTED_KEY}\nError: unexpected EOF`);
  });

  it('leaves everything else alone', () => {
    const text = [
      'password reset required for user admin',
      'hosts.allow updated; status.ok; s.short',
      'certificate: -----BEGIN CERTIFICATE----- MIIB',
      'https://example.com/a/b?c=d',
      'vault operator unseal   # key 1/3',
      '  indented\ttabs and trailing spaces   ',
      'unicode: ✓ 日本語',
      '',
    ].join('\n');
    assert.equal(withSecrets(SECRET).redact(text), text);
  });
});

describe('stream', () => {
  it('redacts a secret split across two chunks at every position', () => {
    const r = withSecrets(SECRET);
    const text = `pre ${SECRET} post\nnext line\n`;
    for (let i = 1; i < text.length; i++) {
      assert.deepEqual(streamed(r, [text.slice(0, i), text.slice(i)]), [`pre ${REDACTED} post`, 'next line'], `split at ${i}`);
    }
  });

  it('passes lines on in order as each newline arrives, and the last partial line at end', () => {
    const lines: string[] = [];
    const s = new Redactor().stream((l) => lines.push(l));
    s.write('one\ntw');
    assert.deepEqual(lines, ['one']);
    s.write('o\r\nthree');
    assert.deepEqual(lines, ['one', 'two']);
    s.end();
    assert.deepEqual(lines, ['one', 'two', 'three']);
  });

  it('keeps blank lines and decodes UTF-8 split across byte chunks', () => {
    const bytes = Buffer.from('a\n\nü✓\n');
    assert.deepEqual(streamed(new Redactor(), [bytes.subarray(0, 4), bytes.subarray(4, 6), bytes.subarray(6)]), ['a', '', 'ü✓']);
  });

  it('passes on a partial line longer than the limit without splitting a secret', () => {
    const r = withSecrets(SECRET);
    const pad = 'x'.repeat(MAX_PARTIAL_LINE - 5);
    const lines = streamed(r, [pad, SECRET, 'y'.repeat(MAX_PARTIAL_LINE)]);
    assert.ok(lines.length >= 2, 'flushed before end');
    assert.ok(lines.every((l) => l.length <= MAX_PARTIAL_LINE + SECRET.length));
    const joined = lines.join('');
    assert.ok(!joined.includes(SECRET.slice(0, 5)) && !joined.includes(SECRET.slice(-5)), 'no piece of the secret');
    assert.equal(joined, `${pad}${REDACTED}${'y'.repeat(MAX_PARTIAL_LINE)}`);
  });

  it('hides a PEM block that arrives in chunks', () => {
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nQyNTUxOQAAACB=\n-----END OPENSSH PRIVATE KEY-----\n';
    const text = `ssh-keygen done\n${key}fingerprint SHA256:abc\n`;
    for (const size of [1, 7, 40]) {
      const chunks = text.match(new RegExp(`[^]{1,${size}}`, 'g'))!;
      assert.deepEqual(streamed(new Redactor(), chunks), ['ssh-keygen done', REDACTED_KEY, 'fingerprint SHA256:abc'], `chunks of ${size}`);
    }
  });

  it('picks up secrets registered after the stream was created', () => {
    const r = new Redactor();
    const lines: string[] = [];
    const s = r.stream((l) => lines.push(l));
    s.write(`a ${SECRET}`);
    r.add(SECRET);
    s.write('\n');
    assert.deepEqual(lines, [`a ${REDACTED}`]);
  });
});
