import { get, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

const FORWARDED = ['x-vault-token', 'x-vault-namespace', 'authorization'];

/**
 * Node's HTTP parser rejects methods it does not know, and Vault's LIST (node-vault's default for
 * list()) is one of them. The parse error still carries the raw request, so answer it as Vault's
 * documented equivalent, GET with ?list=true, relayed over loopback, and close the connection.
 */
export function relayListVerb(err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex, port: number): void {
  const raw = err.rawPacket?.toString('latin1') ?? '';
  const line = /^LIST (\S+) HTTP\/1\.[01]\r\n/.exec(raw);
  if (err.code !== 'HPE_INVALID_METHOD' || !line) {
    socket.destroy();
    return;
  }
  const headers: Record<string, string> = {};
  for (const header of raw.split('\r\n').slice(1)) {
    const colon = header.indexOf(':');
    const name = header.slice(0, colon).trim().toLowerCase();
    if (colon > 0 && FORWARDED.includes(name)) headers[name] = header.slice(colon + 1).trim();
  }
  const path = line[1] as string;
  const request = get({ host: '127.0.0.1', port, path: `${path}${path.includes('?') ? '&' : '?'}list=true`, headers }, (res) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => {
      const body = Buffer.concat(chunks);
      const status = res.statusCode ?? 500;
      const head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: ${res.headers['content-type'] ?? 'application/json'}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
      if (!socket.destroyed) socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
    });
  });
  request.on('error', () => socket.destroy());
}
