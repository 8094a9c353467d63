import fs from 'node:fs';
import path from 'node:path';
import type { ProcessRunner } from '../adapters/process.ts';
import { onPath } from '../common/on-path.ts';
import type { GateCheck, GateResult } from './gate-result.ts';

/**
 * The `tofu-plan` fidelity gate: an OpenTofu plan passes only if every resource change it
 * would make stays inside the throwaway DNS zone (`sandbox.dns.zone`). Input is the JSON
 * form of a plan (`tofu show -json PLANFILE`), format_version 1.x:
 * https://opentofu.org/docs/internals/json-format/
 *
 * Fail closed: a change whose zone cannot be read from the plan counts as outside.
 */

/** The plan is not the JSON form of an OpenTofu plan; the message names the file and the JSON path. */
export class PlanFormatError extends Error {
  override name = 'PlanFormatError';
  constructor(
    readonly source: string,
    /** e.g. `resource_changes[3].change.actions`; empty for the document itself. */
    readonly jsonPath: string,
    readonly problem: string,
  ) {
    super(`${source}: ${jsonPath ? `${jsonPath}: ` : ''}${problem}`);
  }
}

type Values = Record<string, unknown>;

/** The part of a resource change the gate reads (validated). */
export interface PlanResourceChange {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  deposed?: string;
  change: {
    actions: string[];
    before: Values | null;
    after: Values | null;
    afterUnknown: Values;
  };
}

export interface TofuPlanView {
  formatVersion: string;
  /** `errored: true`: tofu stopped planning on an error, so the list may be incomplete. */
  errored: boolean;
  resourceChanges: PlanResourceChange[];
}

const isObject = (v: unknown): v is Values => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * Checks that `plan` has the shape of `tofu show -json PLANFILE` output and returns what the
 * gate needs. Unknown properties are ignored (forward compatible with format 1.x).
 */
export function validatePlan(plan: unknown, source = 'plan.json'): TofuPlanView {
  const fail = (jsonPath: string, problem: string): never => {
    throw new PlanFormatError(source, jsonPath, problem);
  };
  if (!isObject(plan)) fail('', `expected a JSON object (the output of \`tofu show -json PLANFILE\`), got ${describe(plan)}`);
  const p = plan as Values;
  const fv = p.format_version;
  if (typeof fv !== 'string') fail('format_version', `expected a string such as "1.2", got ${describe(fv)}`);
  const major = /^(\d+)\./.exec(fv as string)?.[1];
  if (major !== '1') fail('format_version', `unsupported version ${JSON.stringify(fv)}: this gate reads the 1.x plan format`);
  if (p.errored !== undefined && typeof p.errored !== 'boolean') fail('errored', `expected true or false, got ${describe(p.errored)}`);

  let rcs = p.resource_changes;
  if (rcs === undefined) {
    // tofu leaves resource_changes out of a plan without any resource; a state has `values` instead.
    if (!isObject(p.planned_values))
      fail('resource_changes', 'missing, and no planned_values either: this is not a plan (`tofu show -json` of a state file?)');
    rcs = [];
  }
  if (!Array.isArray(rcs)) fail('resource_changes', `expected a list, got ${describe(rcs)}`);

  const resourceChanges = (rcs as unknown[]).map((rc, i): PlanResourceChange => {
    const at = `resource_changes[${i}]`;
    if (!isObject(rc)) return fail(at, `expected an object, got ${describe(rc)}`);
    const str = (key: string): string => {
      const v = rc[key];
      if (typeof v !== 'string' || v === '') return fail(`${at}.${key}`, `expected a non-empty string, got ${describe(v)}`);
      return v;
    };
    const address = str('address');
    const mode = str('mode');
    if (mode !== 'managed' && mode !== 'data') fail(`${at}.mode`, `expected "managed" or "data", got ${describe(mode)}`);
    const type = str('type');
    const name = str('name');
    const deposed = rc.deposed;
    if (deposed !== undefined && typeof deposed !== 'string') fail(`${at}.deposed`, `expected a string, got ${describe(deposed)}`);
    const change = rc.change;
    if (!isObject(change)) return fail(`${at}.change`, `expected an object, got ${describe(change)}`);
    const actions = change.actions;
    if (!Array.isArray(actions) || actions.length === 0) return fail(`${at}.change.actions`, `expected a list of actions, got ${describe(actions)}`);
    actions.forEach((a, j) => {
      if (typeof a !== 'string' || a === '') fail(`${at}.change.actions[${j}]`, `expected an action name such as "create", got ${describe(a)}`);
    });
    const side = (key: 'before' | 'after'): Values | null => {
      const v = change[key];
      if (v === undefined || v === null) return null;
      if (!isObject(v)) return fail(`${at}.change.${key}`, `expected an object or null, got ${describe(v)}`);
      return v;
    };
    const before = side('before');
    const after = side('after');
    const afterUnknown = isObject(change.after_unknown) ? change.after_unknown : {};
    return {
      address,
      mode: mode as 'managed' | 'data',
      type,
      name,
      ...(typeof deposed === 'string' ? { deposed } : {}),
      change: { actions: actions as string[], before, after, afterUnknown },
    };
  });
  return { formatVersion: fv as string, errored: p.errored === true, resourceChanges };
}

// ---------------------------------------------------------------------------------------------
// Names and zones

/** Lower case, no surrounding space, no trailing dot. */
export function normalizeDnsName(name: string): string {
  return name.trim().toLowerCase().replace(/\.+$/, '');
}

/** Dot-separated labels of letters, digits, `-`, `_`, `*` (wildcards) and `\` (escapes such as Route 53's `\052`). */
const DNS_NAME = /^[a-z0-9_*\\-]+(\.[a-z0-9_*\\-]+)*$/;
const isDnsName = (normalized: string) => DNS_NAME.test(normalized);

/** `name` is `zone` or a name below it; both normalized. `evilsandbox.x` is not below `sandbox.x`. */
export function isInsideZone(name: string, zone: string): boolean {
  const n = normalizeDnsName(name);
  const z = normalizeDnsName(zone);
  return z !== '' && (n === z || n.endsWith(`.${z}`));
}

/** Attributes that name the zone a record lives in, across providers (dns, powerdns, azurerm, digitalocean, google…). */
const ZONE_ATTRS = ['zone', 'zone_name', 'domain', 'dns_name'] as const;
/** Attributes that usually hold an opaque id (Route 53, Cloudflare), and a zone name only when they look like one. */
const ZONE_ID_ATTRS = ['zone_id', 'managed_zone'] as const;
/** Attributes that name the record itself: relative to the zone, or fully qualified. */
const NAME_ATTRS = ['name', 'fqdn', 'hostname'] as const;

const DNS_TYPE = /dns|record|route53|zone|domain/i;

interface SideView {
  label: 'before' | 'after';
  /** Fully-qualified names this side of the change touches (normalized): zones and records. */
  names: string[];
  /** For display: the record names, and the zones they are in. */
  records: string[];
  zones: string[];
  /** Why the zone of this side could not be told; empty when it could. */
  unknownBecause: string[];
}

function viewSide(label: 'before' | 'after', values: Values, unknown: Values): SideView {
  const zones: string[] = [];
  const problems: string[] = [];
  const hints: string[] = [];
  const q = (v: string) => JSON.stringify(v);

  for (const attr of ZONE_ATTRS) {
    const v = values[attr];
    if (unknown[attr] === true) hints.push(`${attr} is known only after apply`);
    if (typeof v !== 'string' || v.trim() === '') continue;
    const n = normalizeDnsName(v);
    if (isDnsName(n)) zones.push(n);
    else problems.push(`${attr} ${q(v)} is not a DNS name`);
  }
  for (const attr of ZONE_ID_ATTRS) {
    const v = values[attr];
    if (unknown[attr] === true) hints.push(`${attr} is known only after apply`);
    if (typeof v !== 'string' || v.trim() === '') continue;
    const n = normalizeDnsName(v);
    if (n.includes('.') && isDnsName(n)) zones.push(n);
    else hints.push(`${attr} ${q(v)} is an id, not a zone name`);
  }

  const names: string[] = [];
  for (const attr of NAME_ATTRS) {
    const v = values[attr];
    if (unknown[attr] === true) {
      hints.push(`${attr} is known only after apply`);
      continue;
    }
    if (typeof v !== 'string') continue;
    const raw = v.trim();
    if (raw === '' || raw === '@') {
      // The zone apex: the zone itself.
      if (zones.length === 0) hints.push(`${attr} ${q(v)} is the apex of a zone the plan does not name`);
      continue;
    }
    const n = normalizeDnsName(raw);
    if (!isDnsName(n)) {
      problems.push(`${attr} ${q(v)} is not a DNS name`);
      continue;
    }
    if (raw.endsWith('.')) names.push(n);
    else if (zones.length > 0) for (const z of zones) names.push(n === z || n.endsWith(`.${z}`) ? n : `${n}.${z}`);
    else if (n.includes('.')) names.push(n);
    else hints.push(`${attr} ${q(v)} is relative to a zone the plan does not name`);
  }

  const all = [...new Set([...zones, ...names])];
  const unknownBecause =
    problems.length > 0 ? problems : all.length > 0 ? [] : hints.length > 0 ? hints : [`no ${[...ZONE_ATTRS, ...NAME_ATTRS].join(', ')} attribute`];
  return { label, names: all, records: [...new Set(names)], zones: [...new Set(zones)], unknownBecause };
}

function actionLabel(actions: string[]): string {
  const key = actions.join(',');
  if (key === 'delete,create' || key === 'create,delete') return 'replace';
  return actions.join('+');
}

/** No-ops and data-source reads touch nothing. */
function isIgnored(rc: PlanResourceChange): boolean {
  const key = rc.change.actions.join(',');
  return key === 'no-op' || (rc.mode === 'data' && key === 'read');
}

function checkChange(rc: PlanResourceChange, zone: string): GateCheck {
  const name = `${actionLabel(rc.change.actions)} ${rc.address}${rc.deposed ? ` (deposed object ${rc.deposed})` : ''}`;
  const expected = `inside ${zone}`;
  const sides: SideView[] = [];
  if (rc.change.before) sides.push(viewSide('before', rc.change.before, {}));
  if (rc.change.after) sides.push(viewSide('after', rc.change.after, rc.change.afterUnknown));

  const hasZoneAttr = [rc.change.before, rc.change.after].some((v) => v && ZONE_ATTRS.some((a) => typeof v[a] === 'string'));
  if (!DNS_TYPE.test(rc.type) && !hasZoneAttr)
    return {
      name,
      expected,
      observed: 'not a DNS resource',
      ok: false,
      detail: `${rc.type} is not a DNS record or zone: a change to it is outside ${zone}`,
    };
  if (sides.length === 0)
    return {
      name,
      expected,
      observed: 'zone unknown',
      ok: false,
      detail: `the plan holds neither the before nor the after values of ${rc.address}: cannot tell its zone, so it counts as outside (fail closed)`,
    };

  const lines: string[] = [];
  for (const s of sides) {
    if (s.unknownBecause.length > 0)
      lines.push(`${s.label}: cannot determine the zone (${s.unknownBecause.join('; ')}): counted as outside ${zone} (fail closed)`);
    for (const n of s.names.filter((x) => !isInsideZone(x, zone))) lines.push(`${s.label}: ${n} is outside ${zone}`);
  }
  const text = (s: SideView) => {
    const shown =
      s.records.length === 0 ? s.zones.join(', ') : s.zones.length === 0 || (s.zones.length === 1 && s.records.includes(s.zones[0]!)) ? s.records.join(', ') : `${s.records.join(', ')} in ${s.zones.join(', ')}`;
    if (s.unknownBecause.length === 0) return shown;
    return shown ? `${shown} (zone unknown)` : 'zone unknown';
  };
  const texts = [...new Set(sides.map(text))];
  return {
    name,
    expected,
    observed: texts.join(' -> '),
    ok: lines.length === 0,
    ...(lines.length > 0 ? { detail: lines.join('\n') } : {}),
  };
}

/**
 * Pure: judges a plan (the parsed JSON of `tofu show -json PLANFILE`) against the throwaway zone.
 * Throws PlanFormatError when `plan` does not have the documented shape.
 */
export function tofuPlanGate(plan: unknown, zone: string, now: Date = new Date()): GateResult {
  const z = normalizeDnsName(zone);
  if (!isDnsName(z)) throw new Error(`tofu-plan gate: the throwaway zone ${JSON.stringify(zone)} is not a DNS name (sandbox.dns.zone)`);
  const view = validatePlan(plan);

  const checks = view.resourceChanges.filter((rc) => !isIgnored(rc)).map((rc) => checkChange(rc, z));
  const outside = checks.filter((c) => !c.ok);
  const parts: string[] = [];
  if (view.errored) parts.push('the plan errored, so it may leave changes out: fix the error and plan again');
  if (checks.length === 0) parts.push('no change');
  else if (outside.length === 0) parts.push(`${checks.length} change(s), all inside ${z}`);
  else parts.push(`${outside.length} of ${checks.length} change(s) outside ${z}: ${outside.map((c) => c.name).join(', ')}`);

  if (view.errored)
    checks.unshift({
      name: 'plan complete',
      expected: 'a plan tofu finished',
      observed: 'errored',
      ok: false,
      detail: 'tofu stopped planning on an error (errored: true): the changes listed may not be all the changes',
    });
  return {
    schema: 'lab-tui/gate@1',
    gate: 'tofu-plan',
    ok: !view.errored && outside.length === 0,
    summary: parts.join('; '),
    checks,
    at: now.toISOString(),
  };
}

// ---------------------------------------------------------------------------------------------
// Reading a plan file

function firstNonSpaceByte(bytes: Buffer): number | undefined {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0; // UTF-8 byte order mark
  while (i < bytes.length && [0x20, 0x09, 0x0a, 0x0d].includes(bytes[i]!)) i++;
  return bytes[i];
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new PlanFormatError(source, '', `not valid JSON (${(e as Error).message})`);
  }
}

const notInstalled = (file: string) =>
  `${file} is a binary plan and tofu is not installed (not on the PATH), so it cannot be read: ` +
  `where tofu is, in the configuration directory, run \`tofu show -json ${path.basename(file)} > plan.json\` and pass plan.json instead`;

/**
 * Reads a plan for the gate: `tofu show -json` output (a `.json` file, or any file starting with `{`)
 * is parsed; a binary plan is turned into JSON by `tofu show -json FILE` through `runner`, run in the
 * file's directory (tofu needs the initialized configuration there). The result is validated, so a
 * malformed plan fails here with a PlanFormatError naming the file.
 */
export async function readPlan(file: string, runner?: ProcessRunner): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `plan file not found: ${file}` : `cannot read the plan ${file}: ${(e as Error).message}`);
  }
  if (file.toLowerCase().endsWith('.json') || firstNonSpaceByte(bytes) === 0x7b) {
    const plan = parseJson(bytes.toString('utf8'), file);
    validatePlan(plan, file);
    return plan;
  }

  if (!runner || !onPath('tofu', runner.env.PATH)) throw new Error(notInstalled(file));
  const abs = path.resolve(file);
  const r = await runner.run('tofu', ['show', '-json', abs], { cwd: path.dirname(abs), timeoutMs: 120_000 });
  if (r.exitCode === undefined && (r as { code?: string }).code === 'ENOENT') throw new Error(notInstalled(file));
  if (r.failed || r.exitCode !== 0) {
    const why = String(r.stderr ?? '').trim() || r.shortMessage || `exit ${r.exitCode}`;
    throw new Error(`\`tofu show -json ${file}\` failed (${r.exitCode === undefined ? 'not run' : `exit ${r.exitCode}`}): ${why.split('\n').slice(-6).join('\n')}`);
  }
  const source = `tofu show -json ${file}`;
  const plan = parseJson(String(r.stdout ?? ''), source);
  validatePlan(plan, source);
  return plan;
}
