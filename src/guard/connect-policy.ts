import dns from 'node:dns';
import type net from 'node:net';
import type { SocketPolicy } from '../../engine/adapters/socket-policy.ts';
import { canonicalAddress, hostName } from './addresses.ts';
import type { ProdHosts } from './prod-hosts.ts';
import { GuardRefusal, type Refusal } from './refusal.ts';

function refusal(host: string, address: string | undefined, prod: { entry: string; list: string }): GuardRefusal {
  const where = address && hostName(host) !== address ? `${host} (${address})` : host;
  const r: Refusal = {
    target: `connection to ${where}`,
    rule: 'prod.address',
    reason: `${where} is prod: it is the host of ${prod.list} entry ${prod.entry}`,
    fix: 'the name now resolves to a prod address: check the resolver (/etc/hosts, DNS), then restart lab-tui',
  };
  return new GuardRefusal(r);
}

/**
 * The connect-time half of the guard: the configuration was judged before the first request,
 * but names can change what they resolve to; every socket asks here when it connects.
 */
export function connectPolicy(prod: ProdHosts, onRefusal: (e: GuardRefusal) => void = () => {}): SocketPolicy {
  const refused = (e: GuardRefusal) => {
    onRefusal(e);
    return e;
  };
  return {
    check(host) {
      const literal = canonicalAddress(host);
      const hit = prod.match(literal ? [literal] : [], literal ? undefined : host);
      if (hit) throw refused(refusal(host, literal, hit));
    },
    lookup: ((hostname: string, options: dns.LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void) => {
      dns.lookup(hostname, { ...options, all: true }, (err, found) => {
        if (err) return callback(err, options.all ? [] : '', 0);
        const bad = found.map((a) => ({ a, hit: prod.match([canonicalAddress(a.address) ?? a.address], hostname) })).find((x) => x.hit);
        if (bad) return callback(refused(refusal(hostname, canonicalAddress(bad.a.address) ?? bad.a.address, bad.hit!)) as unknown as NodeJS.ErrnoException, options.all ? [] : '', 0);
        if (options.all) return callback(null, found);
        callback(null, found[0]!.address, found[0]!.family);
      });
    }) as net.LookupFunction,
  };
}

const LOOPBACK = new Set(['127.0.0.1', '::1']);

/** For lab-sim's control API found through a state dir: lab-sim listens on loopback only. */
export const loopbackOnly: SocketPolicy = {
  check(host) {
    const a = canonicalAddress(host);
    if (a ? !LOOPBACK.has(a) : hostName(host) !== 'localhost')
      throw new GuardRefusal({ target: `connection to ${host}`, rule: 'sim.loopback', reason: 'lab-sim listens on loopback only', fix: 'check the state directory' });
  },
  lookup: ((hostname: string, options: dns.LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void) =>
    dns.lookup(hostname, { ...options, all: true }, (err, found) => {
      const ok = found?.filter((a) => LOOPBACK.has(canonicalAddress(a.address) ?? a.address)) ?? [];
      if (err || !ok.length) return callback(err ?? Object.assign(new Error(`${hostname} is not loopback`), { code: 'ENOTFOUND' }), options.all ? [] : '', 0);
      if (options.all) return callback(null, ok);
      callback(null, ok[0]!.address, ok[0]!.family);
    })) as net.LookupFunction,
};
