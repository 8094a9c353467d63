import type { Env } from '../config/paths.ts';
import { homeDir } from '../config/paths.ts';
import type { LabConfig } from '../config/types.ts';
import { hostName, resolveHost } from './addresses.ts';
import { vetCommand, type CommandFinding, type ProdIdentity } from './command-scan.ts';
import { gitRemoteHost } from './normalize.ts';
import { resolveProdHosts, type ProdHosts } from './prod-hosts.ts';
import type { Refusal } from './refusal.ts';
import { prodKeyFiles } from './static-rules.ts';
import { TARGET_FIELDS, type TargetField } from './target-fields.ts';

/** Everything prod is, resolved once: the hosts with their addresses, and the other identities. */
export async function resolveProdIdentity(config: LabConfig, env: Env): Promise<ProdIdentity> {
  const p = config.prod;
  return {
    hosts: await resolveProdHosts(p),
    contexts: p.contexts,
    servers: p.servers,
    keyFiles: prodKeyFiles(config, env),
    dnsZones: p.dnsZones,
    sandboxZone: config.sandbox.dns?.zone,
    home: homeDir(env),
  };
}

function hostOf(field: TargetField, value: string): string | undefined {
  if (field.kind === 'host') return hostName(value);
  if (field.kind === 'host-port') return hostName(value.replace(/:\d+$/, ''));
  if (field.kind === 'git-remote') return gitRemoteHost(value);
  try {
    return hostName(new URL(value).hostname);
  } catch {
    return undefined;
  }
}

async function addressRefusal(field: TargetField, value: string, prod: ProdHosts, path = field.path): Promise<Refusal | undefined> {
  const host = hostOf(field, value);
  if (!host) return undefined;
  const addresses = await resolveHost(host);
  const hit = prod.match(addresses, host);
  if (!hit) return undefined;
  const shared = addresses.find((a) => hit.addresses.includes(a));
  const how = shared && shared !== host ? `${host} reaches ${shared}, ` : `${host} is `;
  return {
    target: `${path} ${value}`,
    rule: 'prod.address',
    reason: `${how}the host of ${hit.list} entry ${hit.entry}`,
    fix: `point ${path} at the sandbox (lab-tui config check) — see README#isolation-guard`,
    field: path,
  };
}

/** A refusal for a command the configuration would run, naming its field. */
export function commandRefusal(where: string, command: string, f: CommandFinding, field?: string): Refusal {
  return { target: `${where}: ${command}`, rule: f.rule, reason: f.reason, fix: 'a command lab-tui runs must not name prod: edit it (see README#isolation-guard)', ...(field ? { field } : {}) };
}

/**
 * The half of the guard that needs the resolver: every target field's host as the addresses it
 * reaches against every prod host, and every command template scanned. Fields already refused by
 * the static rules are not judged twice.
 */
export async function targetRefusals(config: LabConfig, prod: ProdIdentity, skip: ReadonlySet<string> = new Set()): Promise<Refusal[]> {
  const judged = await Promise.all(
    TARGET_FIELDS.map(async (field): Promise<Refusal[]> => {
      const value = field.value(config.sandbox);
      if (value === undefined || skip.has(field.path)) return [];
      const entries = typeof value === 'string' ? [{ path: field.path, value }] : value.map((v, i) => ({ path: `${field.path}[${i}]`, value: v }));
      const judged = await Promise.all(
        entries.map(async ({ path, value: v }): Promise<Refusal[]> => {
          if (field.kind === 'command') return (await vetCommand(v, prod)).map((f) => commandRefusal(path, v, f, path));
          const r = await addressRefusal(field, v, prod.hosts, path);
          return r ? [r] : [];
        }),
      );
      return judged.flat();
    }),
  );
  return judged.flat();
}
