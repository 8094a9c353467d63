import type { Snapshot, SourceId } from '../health/types.ts';
import type { ProbeSpec } from './types.ts';

export interface ProbeResult {
  ok: boolean;
  /** What was seen, phrased for the operator: shown on screen and journaled. */
  detail: string;
  /** Nothing was seen: the source it reads is not live, so the probe neither holds nor fails on evidence. */
  unconfirmed?: true;
}

/** What probes read: the health service's latest snapshot, and the two probes that act. */
export interface ProbeContext {
  snapshot(): Snapshot;
  /** Rows of a read-only query on `database`. */
  sql(database: string, query: string): Promise<Record<string, unknown>[]>;
  /** Exit code of a shell command. */
  sh(command: string): Promise<number | undefined>;
  /** When the step being verified started: `renewed` secrets must have synced after it. */
  stepStartedAt: Date;
}

const ok = (detail: string): ProbeResult => ({ ok: true, detail });
const no = (detail: string): ProbeResult => ({ ok: false, detail });

/** A probe answers from live data only: a stale source proves nothing. */
function notLive(s: Snapshot, id: SourceId): ProbeResult | undefined {
  const src = s.sources.find((x) => x.id === id);
  if (!src) return no(`${id} is not configured`);
  return src.status === 'live' ? undefined : { ok: false, detail: `${id} is ${src.status}: cannot confirm`, unconfirmed: true };
}

const str = (v: unknown) => (v === undefined ? undefined : String(v));

function listed<T>(rows: T[], name: string | undefined, nameOf: (r: T) => string, what: string, good: (r: T) => boolean, describe: (r: T) => string): ProbeResult {
  const picked = name === undefined ? rows : rows.filter((r) => nameOf(r) === name);
  if (!picked.length) return no(name === undefined ? `no ${what} found` : `no ${what} ${name}`);
  const bad = picked.filter((r) => !good(r));
  return bad.length ? no(bad.map(describe).join('; ')) : ok(name === undefined ? `${picked.length} ${what}(s): all good` : describe(picked[0]!));
}

export async function evaluateProbe(spec: ProbeSpec, ctx: ProbeContext): Promise<ProbeResult> {
  const s = ctx.snapshot();
  const param = (k: string) => str(spec.params[k]);
  switch (spec.probe) {
    case 'node.ready':
      return notLive(s, 'kubernetes') ?? listed(s.nodes, param('node'), (n) => n.name, 'node', (n) => n.ready === 'Ready', (n) => `${n.name} ${n.ready}`);
    case 'vault.unsealed':
    case 'vault.sealed': {
      const down = notLive(s, 'vault');
      if (down) return down;
      const sealed = s.vault?.sealed;
      if (sealed === undefined) return no('Vault seal status unknown');
      return sealed === (spec.probe === 'vault.sealed') ? ok(sealed ? 'Vault is sealed' : 'Vault is unsealed') : no(sealed ? 'Vault is sealed' : 'Vault is unsealed');
    }
    case 'secret.fresh': {
      const ns = param('namespace');
      const rows = ns ? s.secrets.filter((r) => r.namespace === ns) : s.secrets;
      const renewed = spec.params.renewed === true;
      const synced = (r: (typeof rows)[number]) => r.fresh && (!renewed || (r.lastSync !== undefined && Date.parse(r.lastSync) >= ctx.stepStartedAt.getTime() - 1000));
      return notLive(s, 'kubernetes') ?? listed(rows, param('secret'), (r) => r.name, 'secret', synced, (r) => `${r.name}: ${r.fresh ? `synced ${r.lastSync ?? 'never'}` : (r.reason ?? 'not fresh')}${renewed && r.fresh && !synced(r) ? ' (before this step)' : ''}`);
    }
    case 'deployment.ready': {
      const name = param('deployment')!;
      const ns = param('namespace') ?? name;
      const want = spec.params.replicas === undefined ? undefined : Number(spec.params.replicas);
      const w = s.workloads.find((r) => r.name === name && r.namespace === ns);
      if (!w) return notLive(s, 'kubernetes') ?? no(`no deployment ${ns}/${name}`);
      const good = want === undefined ? w.desired > 0 && w.ready >= w.desired : w.desired === want && w.ready === want;
      return notLive(s, 'kubernetes') ?? (good ? ok : no)(`${ns}/${name} ${w.ready}/${w.desired} ready${w.crashLooping.length ? `, crash-looping: ${w.crashLooping.join(', ')}` : ''}`);
    }
    case 'app.healthy':
      return notLive(s, 'kubernetes') ?? listed(s.apps, param('app'), (a) => a.name, 'application', (a) => a.sync === 'Synced' && a.health === 'Healthy', (a) => `${a.name} ${a.sync}/${a.health}`);
    case 'volume.healthy': {
      // A detached volume has no robustness to speak of (Longhorn says "unknown"): all of them means all attached ones.
      const volumes = param('volume') === undefined ? s.volumes.filter((v) => v.state !== 'detached') : s.volumes;
      return notLive(s, 'kubernetes') ?? listed(volumes, param('volume'), (v) => v.name, 'attached volume', (v) => v.robustness === 'healthy', (v) => `${v.name} ${v.robustness}`);
    }
    case 'volume.no-orphans':
      return notLive(s, 'kubernetes') ?? listed(s.volumes, param('volume'), (v) => v.name, 'volume', (v) => v.orphans.length === 0, (v) => (v.orphans.length ? `${v.name}: orphaned data in ${v.orphans.map((o) => o.dataName).join(', ')}` : `${v.name}: no orphaned data`));
    case 'postgres.reachable':
      return notLive(s, 'postgres') ?? ok(`PostgreSQL answers (${s.databases?.latencyMs ?? '?'} ms)`);
    case 'postgres.database': {
      const db = param('database')!;
      return notLive(s, 'postgres') ?? (s.databases?.names.includes(db) ? ok(`database ${db} exists`) : no(`database ${db} does not exist`));
    }
    case 'certificates.valid': {
      const down = notLive(s, 'stepca');
      return down ?? listed(s.certificates, undefined, (c) => c.name, 'certificate', (c) => c.chainValid && (c.daysToExpiry ?? 0) > 0, (c) => `${c.source} ${c.name}: ${c.chainValid ? `${c.daysToExpiry} days left, issued by ${c.issuer}` : (c.error ?? 'chain invalid')}`);
    }
    case 'sql':
      return sqlProbe(spec, ctx);
    case 'sh': {
      const code = await ctx.sh(param('run')!);
      return code === 0 ? ok('exit 0') : no(code === undefined ? 'did not finish' : `exit ${code}`);
    }
    default:
      return no(`unknown probe ${spec.probe}`);
  }
}

async function sqlProbe(spec: ProbeSpec, ctx: ProbeContext): Promise<ProbeResult> {
  const database = String(spec.params.database);
  try {
    const rows = await ctx.sql(database, String(spec.params.query));
    if (spec.params.equals !== undefined) {
      const first = rows[0] ? String(Object.values(rows[0])[0]) : undefined;
      return first === String(spec.params.equals) ? ok(`${database}: ${first}`) : no(`${database}: got ${first ?? 'no rows'}, expected ${spec.params.equals}`);
    }
    const min = spec.params['min-rows'] === undefined ? 1 : Number(spec.params['min-rows']);
    return rows.length >= min ? ok(`${database}: ${rows.length} row(s)`) : no(`${database}: ${rows.length} row(s), expected at least ${min}`);
  } catch (e) {
    return no(`${database}: ${(e as Error).message}`);
  }
}
