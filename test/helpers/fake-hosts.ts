import dns from 'node:dns';

type Callback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * Stands in for the system resolver (no /etc/hosts edit): names in `hosts` resolve to the given
 * address, every other name as usual. lab-tui calls dns.lookup through the module at call time,
 * so this reaches its guard; `set` changes the answer mid-test (a DNS change mid-session).
 */
export function fakeHosts(hosts: Record<string, string>): { set(name: string, address: string): void; restore(): void } {
  const real = dns.lookup;
  const table = { ...hosts };
  const fake = (name: string, options: dns.LookupOptions | Callback, callback?: Callback) => {
    const cb = (typeof options === 'function' ? options : callback)!;
    const opts = typeof options === 'function' ? {} : options;
    const address = table[name.toLowerCase()];
    if (address === undefined) return (real as (n: string, o: dns.LookupOptions, c: Callback) => void)(name, opts, cb);
    const family = address.includes(':') ? 6 : 4;
    process.nextTick(() => (opts.all ? cb(null, [{ address, family }]) : cb(null, address, family)));
  };
  (dns as { lookup: unknown }).lookup = fake;
  return {
    set: (name, address) => void (table[name] = address),
    restore: () => void ((dns as { lookup: unknown }).lookup = real),
  };
}
