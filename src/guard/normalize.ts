import fs from 'node:fs';
import path from 'node:path';
import { refuse } from './refusal.ts';

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/**
 * Canonical form of a URL for identity comparison: lower-case scheme and host, no
 * trailing dot on the host, explicit port, no trailing slash, no credentials.
 * Returns undefined for something that is not an http(s) URL, so callers fail closed.
 */
export function normalizeUrl(raw: string): string | undefined {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return undefined;
  }
  const port = u.port || DEFAULT_PORTS[u.protocol];
  if (!port) return undefined;
  const host = normalizeHost(u.hostname);
  const pathname = u.pathname.replace(/\/+$/, '');
  return `${u.protocol}//${host}:${port}${pathname}`;
}

export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.+$/, '');
}

/** `host[:port]` (PostgreSQL endpoints); the default port is PostgreSQL's. */
export function normalizeHostPort(raw: string, defaultPort = 5432): string {
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(raw.trim());
  if (!m) return raw.trim().toLowerCase();
  return `${normalizeHost(m[1] ?? '')}:${Number(m[2] ?? defaultPort)}`;
}

export function normalizeZone(zone: string): string {
  return normalizeHost(zone);
}

/** A remote git reads as a path: no `scheme://`, and no `host:` before the first slash (scp form). */
export function isLocalPath(remote: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(remote) && !/^[^/]*:/.test(remote);
}

/** The host of a git remote in URL form or scp form (`git@host:owner/repo.git`). */
export function gitRemoteHost(remote: string): string | undefined {
  const scp = /^[^/@:]+@([^:/]+):/.exec(remote);
  if (scp) return normalizeHost(scp[1] ?? '');
  try {
    const u = new URL(remote);
    return u.protocol === 'file:' ? undefined : normalizeHost(u.hostname);
  } catch {
    return undefined;
  }
}

/** lab-sim only ever listens on loopback: its control API anywhere else is not lab-sim. */
export function refuseNonLoopbackControl(url: string, fix: string): void {
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname))
    refuse(`lab-sim control API ${url}`, 'sim.loopback', 'lab-sim listens on loopback only; this control URL is elsewhere', fix);
}

/** Real path of a file, following symlinks; for a missing file, the resolved path. */
export function realFile(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}
