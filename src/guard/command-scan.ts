import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { canonicalAddress, hostName, resolveHost } from './addresses.ts';
import { normalizeUrl, normalizeZone, realFile } from './normalize.ts';
import type { ProdHost, ProdHosts } from './prod-hosts.ts';

/**
 * A second wall, not a proof: before lab-tui runs a shell command (a power or recovery template,
 * a runbook block, a `verify: sh` probe, an improvised command), it looks for words that name a
 * prod identity. Shell is too rich to interpret, so the scanner reads words, not programs.
 */

export interface ProdIdentity {
  /** Every prod host (servers, vault, gitea, postgres, gitRemotes) with resolved addresses. */
  hosts: ProdHosts;
  /** Prod kube context names. */
  contexts: string[];
  /** Prod API server URLs as written (compared with normalizeUrl). */
  servers: string[];
  /** Prod Vault key files, absolute (compared by real path). */
  keyFiles: string[];
  /** Prod DNS zones. */
  dnsZones: string[];
  /** The sandbox's throwaway zone: a host inside it is not prod even under a prod zone. */
  sandboxZone?: string;
  /** The operator's home, for `~` and `$HOME` in paths. */
  home: string;
}

export interface CommandFinding {
  rule: 'command.host' | 'command.context' | 'command.server' | 'command.kubeconfig' | 'command.keyFile' | 'command.dnsZone';
  /** The offending token as written in the command. */
  token: string;
  /** One sentence for the operator, e.g. `--context arcodange-prod names a prod context (prod.contexts)`. */
  reason: string;
}

/** A word of the command in its place: `key` is the flag or variable it is the value of (or the word before it). */
interface Word {
  text: string;
  key?: string;
  /** In a host position, where a lone number or a one-label name still names a host. */
  hostPosition: boolean;
  /** In a kubectl command, where `-s` is `--server`. */
  kube: boolean;
}

const CONTEXT_KEYS = new Set(['--context', '--kube-context', '--cluster', 'use-context', 'set-context']);
const SERVER_KEYS = new Set(['--server', '--kube-apiserver']);
const HOST_KEYS = new Set(['--server', '-s', '--host', '-h', '--hostname', '--address', '--addr', '-H', '--endpoint', '--url', '--kube-apiserver']);
/**
 * Programs whose operands are hosts (or ports). ssh, scp and curl are not: their operands are also
 * remote commands, files and output names, and they name hosts as `user@host`, `host:path` or URLs.
 */
const NET_COMMANDS = new Set(['ping', 'ping6', 'dig', 'nslookup', 'host', 'nc', 'ncat', 'telnet', 'traceroute', 'mtr']);
/** A quoted word that is itself a command line (`sh -c '…'`, `ssh host "…"`, `"$(…)"`) is scanned again. */
const NESTED = /\s|[;`]|\$\(/;
const SEPARATORS = new Set([';', '|', '&', '(', ')', '`', '\n']);
const NAME = /^(?!-)[\w-]+(?:\.[\w-]+)*\.?$/;

/** Simple commands as lists of unquoted words. Comments are dropped, as the shell drops them. */
export function segments(command: string): string[][] {
  const segs: string[][] = [[]];
  let word: string | undefined;
  const endWord = () => {
    if (word !== undefined) segs.at(-1)!.push(word);
    word = undefined;
  };
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      word = (word ?? '') + command.slice(i + 1, end < 0 ? undefined : end);
      i = end < 0 ? command.length : end;
    } else if (c === '"') {
      let s = '';
      for (i++; i < command.length && command[i] !== '"'; i++) {
        if (command[i] === '\\' && /[\\"$`\n]/.test(command[i + 1] ?? '') && command[++i] === '\n') continue;
        s += command[i];
      }
      word = (word ?? '') + s;
    } else if (c === '\\') {
      i++;
      if (i < command.length && command[i] !== '\n') word = (word ?? '') + command[i];
    } else if (c === '#' && word === undefined) {
      const eol = command.indexOf('\n', i);
      i = (eol < 0 ? command.length : eol) - 1;
    } else if (SEPARATORS.has(c) || (c === '$' && command[i + 1] === '(')) {
      endWord();
      if (segs.at(-1)!.length) segs.push([]);
      if (c === '$') i++;
    } else if (/[\s<>]/.test(c)) endWord();
    else word = (word ?? '') + c;
  }
  endWord();
  return segs.filter((s) => s.length > 0);
}

function words(command: string): Word[] {
  return segments(command).flatMap((seg) => {
    const programs = seg.map((w) => path.posix.basename(w));
    const kube = programs.some((p) => p === 'kubectl' || p === 'oc');
    return seg.flatMap((w, i) => {
      const assigned = /^(--?[\w-]+|[A-Za-z_]\w*)=(.*)$/s.exec(w);
      const key = assigned ? assigned[1]! : seg[i - 1];
      const text = assigned ? assigned[2]! : w;
      const hostPosition =
        (key !== undefined && (HOST_KEYS.has(key) || (!!assigned && /HOST|ADDR|SERVER|URL/i.test(key)))) ||
        (!/^[-+]/.test(w) && programs.slice(0, i).some((p) => NET_COMMANDS.has(p)));
      // `-h127.0.0.2` (psql, mysql): the attached value counts as a bare word, since `-sSL` is not a host.
      const attached = /^-[hH](.+)$/.exec(w)?.[1];
      return [
        { text, key, hostPosition, kube },
        ...(attached ? [{ text: attached, hostPosition: false, kube }] : []),
        ...(NESTED.test(text) ? words(text) : []),
      ];
    });
  });
}

interface HostRef {
  host: string;
  /** Named in a host position (URL, `user@host`, `host:port`…), so worth resolving. */
  hostPosition: boolean;
}

/** The host a word names, if any: URL host, `user@host`, `@host` (dig), `host:port`, `host:/path`, or the word itself. */
function hostIn(text: string, hostPosition: boolean): HostRef | undefined {
  let host: string | undefined;
  if (/^[a-z][\w+.-]*:\/\//i.test(text)) {
    try {
      host = new URL(text).hostname;
    } catch {
      host = /^[^:]+:\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^:/?#]*)/.exec(text)?.[1];
    }
    hostPosition = true;
  } else if (canonicalAddress(text)) host = text;
  else {
    const m = /^(?:([^@\s/]*)@)?(\[[^\]\s]+\]|[^\s:/@[\]]+)(\S*)$/.exec(text);
    if (!m || !/^(?:$|[:/])/.test(m[3]!)) return undefined;
    host = m[2];
    hostPosition ||= m[1] !== undefined || /^:(?:\d+(?:\/.*)?$|[/~])/.test(m[3]!);
  }
  if (!host) return undefined;
  // Outside host positions only dotted or colon forms count, so `sleep 10` and `-n default` name no host.
  const named = literalOf(host) ? hostPosition || /[.:]/.test(host) : NAME.test(host) && (hostPosition || /\.[\w-]/.test(host));
  return named ? { host, hostPosition } : undefined;
}

/** A trailing dot does not turn an address into a name for the URL parser, so not here either. */
function literalOf(host: string): string | undefined {
  return canonicalAddress(host) ?? canonicalAddress(host.replace(/\.$/, ''));
}

function prodHostOf(host: string, prod: ProdIdentity): ProdHost | undefined {
  const literal = literalOf(host);
  return literal ? prod.hosts.match([literal]) : prod.hosts.match([], host);
}

function prodZoneOf(name: string, prod: ProdIdentity): string | undefined {
  const n = hostName(name);
  const within = (zone: string) => n === normalizeZone(zone) || n.endsWith(`.${normalizeZone(zone)}`);
  if (literalOf(name) || (prod.sandboxZone && within(prod.sandboxZone))) return undefined;
  return prod.dnsZones.find(within);
}

function serverReason(server: string, prod: ProdIdentity): string | undefined {
  const url = normalizeUrl(server);
  if (url && prod.servers.some((s) => normalizeUrl(s) === url)) return 'is a prod API server (prod.servers)';
  const ref = hostIn(server, true);
  const h = ref && prodHostOf(ref.host, prod);
  return h ? `is on the prod host ${h.entry} (${h.list})` : undefined;
}

function expandHome(p: string, home: string): string | undefined {
  const expanded = p.replace(/^(?:~(?=\/|$)|\$HOME\b|\$\{HOME\})/, home);
  return path.isAbsolute(expanded) ? expanded : undefined;
}

/** Why a kubeconfig file is prod; files that are missing or do not parse say nothing. */
function kubeconfigReason(file: string, prod: ProdIdentity): string | undefined {
  let doc: { contexts?: unknown; clusters?: unknown };
  try {
    doc = (parse(fs.readFileSync(file, 'utf8')) ?? {}) as typeof doc;
  } catch {
    return undefined;
  }
  const list = (v: unknown) => (Array.isArray(v) ? (v as { name?: unknown; cluster?: { server?: unknown } }[]) : []);
  const context = list(doc.contexts).find((c) => typeof c?.name === 'string' && prod.contexts.includes(c.name));
  if (context) return `defines the prod context ${context.name as string} (prod.contexts)`;
  for (const c of list(doc.clusters)) {
    const server = c?.cluster?.server;
    const why = typeof server === 'string' ? serverReason(server, prod) : undefined;
    if (why) return `has cluster ${String(c.name)} whose server ${server as string} ${why}`;
  }
  return undefined;
}

/** Synchronous scan: textual and numeric spellings, no DNS. Every finding, in command order, deduplicated. */
export function scanCommand(command: string, prod: ProdIdentity): CommandFinding[] {
  const keyFiles = new Map(prod.keyFiles.map((k) => [realFile(k), k]));
  const findings: CommandFinding[] = [];
  const add = (rule: CommandFinding['rule'], token: string, reason: string) => findings.push({ rule, token, reason });
  for (const { text, key, hostPosition, kube } of words(command)) {
    if (key && CONTEXT_KEYS.has(key) && prod.contexts.includes(text)) add('command.context', text, `${key} ${text} names a prod context (prod.contexts)`);
    if (key && (SERVER_KEYS.has(key) || (kube && key === '-s'))) {
      const why = serverReason(text, prod);
      if (why) add('command.server', text, `${key} ${text} ${why}`);
    }
    if (key === '--kubeconfig' || key === 'KUBECONFIG')
      for (const file of text.split(':')) {
        const full = expandHome(file, prod.home);
        const why = full && kubeconfigReason(full, prod);
        if (why) add('command.kubeconfig', file, `${key} ${file} ${why}`);
      }
    const token = trimPunctuation(text);
    const ref = hostIn(token, hostPosition);
    if (ref) {
      const h = prodHostOf(ref.host, prod);
      if (h) add('command.host', token, `${token} reaches the prod host ${h.entry} (${h.list})`);
      const zone = prodZoneOf(ref.host, prod);
      if (zone) add('command.dnsZone', token, `${token} is in the prod DNS zone ${zone} (prod.dnsZones)`);
    }
    const file = expandHome(token.replace(/^@/, ''), prod.home);
    const keyFile = file && keyFiles.get(realFile(file));
    if (keyFile) add('command.keyFile', token, `${token} is the prod Vault key file ${keyFile} (prod.keyFiles)`);
  }
  return dedupe(findings);
}

/** Prose around a host (`see vault.arcodange.lab,`) is not part of it. */
function trimPunctuation(text: string): string {
  return text.replace(/[,;!?]+$/, '');
}

function dedupe(findings: CommandFinding[]): CommandFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.rule}\0${f.token}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Host names in host positions, each with the first token that named it. */
function namedHosts(command: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const { text, hostPosition } of words(command)) {
    const token = trimPunctuation(text);
    const ref = hostIn(token, hostPosition);
    const name = ref?.hostPosition && !literalOf(ref.host) ? hostName(ref.host) : undefined;
    if (name && !names.has(name)) names.set(name, token);
  }
  return names;
}

/** The host names (not literal addresses) a command names in host positions, for resolution. Lower case, deduplicated. */
export function commandHosts(command: string): string[] {
  return [...namedHosts(command).keys()];
}

/** scanCommand plus each name from commandHosts resolved as sockets would: an address that meets prod.hosts is a finding. */
export async function vetCommand(command: string, prod: ProdIdentity): Promise<CommandFinding[]> {
  const resolved = await Promise.all([...namedHosts(command)].map(async ([name, token]) => ({ name, token, addresses: await resolveHost(name) })));
  const findings = scanCommand(command, prod);
  for (const { name, token, addresses } of resolved) {
    const address = addresses.find((a) => prod.hosts.match([a]));
    const h = address && prod.hosts.match([address]);
    const named = token === name ? name : `${token} names ${name}, which`;
    if (h) findings.push({ rule: 'command.host', token, reason: `${named} resolves to ${address}, the prod host ${h.entry} (${h.list})` });
  }
  return dedupe(findings);
}
