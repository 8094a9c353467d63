import type { ProdDenyList } from '../config/types.ts';
import { canonicalAddress, hostName, resolveHost } from './addresses.ts';
import { gitRemoteHost } from './normalize.ts';

/** One host of the prod deny-list, with the addresses it resolved to when lab-tui started. */
export interface ProdHost {
  /** The deny-list entry as written, e.g. `https://vault.arcodange.lab`. */
  entry: string;
  /** Its list, e.g. `prod.vault`. */
  list: string;
  /** The host part, lower case. */
  host: string;
  addresses: string[];
}

/** Every prod host, by address and by name: whatever spelling a sandbox field uses, it meets one of them. */
export interface ProdHosts {
  readonly hosts: readonly ProdHost[];
  /** The prod host owning any of these addresses, or named `name` (entries that did not resolve compare as names). */
  match(addresses: readonly string[], name?: string): ProdHost | undefined;
}

/** The host an entry of a prod list names: a URL's, a git remote's, or `host[:port]` itself. */
export function hostOfEntry(entry: string): string | undefined {
  const e = entry.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(e) || /^[^/@:\s]+@[^:/\s]+:/.test(e)) return gitRemoteHost(e) ?? safeHostname(e);
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(e) ?? /^([^:/\s]+)(?::\d+)?$/.exec(e) ?? (net6(e) ? [e, e] : null);
  return m ? hostName(m[1]!) : undefined;
}

function net6(e: string): boolean {
  return canonicalAddress(e) !== undefined && e.includes(':');
}

function safeHostname(url: string): string | undefined {
  try {
    return hostName(new URL(url).hostname);
  } catch {
    return undefined;
  }
}

const HOST_LISTS = ['servers', 'vault', 'gitea', 'postgres', 'gitRemotes'] as const satisfies readonly (keyof ProdDenyList)[];

export function prodHostsFrom(hosts: ProdHost[]): ProdHosts {
  return {
    hosts,
    match(addresses, name) {
      const n = name === undefined ? undefined : (canonicalAddress(name) ?? hostName(name));
      return hosts.find((h) => h.addresses.some((a) => addresses.includes(a)) || (n !== undefined && (h.host === n || h.addresses.includes(n))));
    },
  };
}

/** Resolves every host of the prod deny-list the way sockets would (numeric spellings, system resolver). */
export async function resolveProdHosts(prod: ProdDenyList): Promise<ProdHosts> {
  const entries = HOST_LISTS.flatMap((list) => prod[list].map((entry) => ({ entry, list: `prod.${list}`, host: hostOfEntry(entry) })));
  const hosts = await Promise.all(
    entries.filter((e): e is typeof e & { host: string } => !!e.host).map(async (e) => ({ ...e, host: canonicalAddress(e.host) ?? e.host, addresses: await resolveHost(e.host) })),
  );
  return prodHostsFrom(hosts);
}
