import dns from 'node:dns';
import net from 'node:net';

/**
 * Hosts as the sockets they open, not as text: `127.2`, `0x7f.0.0.2`, `2130706434`,
 * `[::ffff:127.0.0.2]` and `::ffff:7f00:2` all reach 127.0.0.2, so they compare equal here.
 */

/** Every IPv4 spelling inet_aton accepts: 1 to 4 parts, each decimal, octal (0…) or hex (0x…). */
function inetAton(text: string): string | undefined {
  const parts = text.split('.');
  if (parts.length > 4 || parts.some((p) => p === '')) return undefined;
  const values: number[] = [];
  for (const p of parts) {
    let v: number;
    if (/^0x[0-9a-f]*$/i.test(p)) v = p.length === 2 ? 0 : parseInt(p.slice(2), 16);
    else if (/^0[0-7]*$/.test(p)) v = parseInt(p, 8);
    else if (/^[1-9][0-9]*$/.test(p)) v = parseInt(p, 10);
    else return undefined;
    values.push(v);
  }
  const last = values.pop()!;
  if (values.some((v) => v > 255) || last >= 2 ** (8 * (4 - values.length))) return undefined;
  let n = last;
  values.forEach((v, i) => (n += v * 2 ** (8 * (3 - i))));
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** The eight 16-bit groups of an IPv6 address (no zone), or undefined. */
function ipv6Groups(text: string): number[] | undefined {
  if (!net.isIPv6(text)) return undefined;
  let s = text;
  const tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    tail.push(a * 256 + b, c * 256 + d);
    s = s.slice(0, -v4[1]!.length);
    if (s.endsWith(':') && !s.endsWith('::')) s = s.slice(0, -1);
  }
  const [head, rest] = s.includes('::') ? s.split('::') : [s, undefined];
  const hex = (part: string | undefined) => (part ? part.split(':').filter(Boolean).map((g) => parseInt(g, 16)) : []);
  const left = hex(head);
  const right = [...hex(rest), ...tail];
  const missing = 8 - left.length - right.length;
  return rest === undefined && !s.includes('::') ? [...left, ...tail] : [...left, ...Array(missing).fill(0), ...right];
}

function ipv6Text(groups: number[]): string {
  // Node prints addresses in the RFC 5952 form; a round trip through its URL parser gives it.
  return new URL(`http://[${groups.map((g) => g.toString(16)).join(':')}]/`).hostname.slice(1, -1);
}

/**
 * The canonical address a literal host names, or undefined for a name. IPv4-mapped
 * (`::ffff:a.b.c.d`) and IPv4-compatible (`::a.b.c.d`) IPv6 become the IPv4 address they carry,
 * zone ids are dropped, and the unspecified addresses become the loopback Linux connects them to.
 */
export function canonicalAddress(host: string): string | undefined {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  h = h.replace(/%.*$/, '');
  const v4 = /^[0-9a-fx.]+$/.test(h) && !h.endsWith('.') ? inetAton(h) : undefined;
  if (v4) return v4 === '0.0.0.0' ? '127.0.0.1' : v4;
  const g = ipv6Groups(h);
  if (!g) return undefined;
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0);
  const embedded = `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
  if (zeros(5) && g[5] === 0xffff) return embedded;
  if (zeros(6) && (g[6] !== 0 || g[7]! > 1)) return embedded;
  if (zeros(8)) return '::1';
  return ipv6Text(g);
}

/** Lower case, no brackets, no trailing dots: how names compare. */
export function hostName(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  return h.replace(/\.+$/, '');
}

/** A host's identity for comparison: its canonical address when literal, else its name. */
export function hostKey(host: string): string {
  return canonicalAddress(host) ?? hostName(host);
}

const LOOKUP_TIMEOUT_MS = 2000;

/**
 * The addresses the OS would connect to for `host`: the canonical literal, or every address the
 * system resolver gives (dns.lookup, all: true, as sockets use). Empty when the name does not
 * resolve; callers then compare it as a name.
 */
export async function resolveHost(host: string, timeoutMs = LOOKUP_TIMEOUT_MS): Promise<string[]> {
  const literal = canonicalAddress(host);
  if (literal) return [literal];
  const name = hostName(host);
  if (!name) return [];
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve([]), timeoutMs);
    // Called through the module object at call time, so a test can stand in for the resolver.
    dns.lookup(name, { all: true }, (err, found) => {
      clearTimeout(timer);
      resolve(err ? [] : [...new Set(found.map((a) => canonicalAddress(a.address) ?? a.address))]);
    });
  });
}
