import { errors } from './vault-reply.ts';

// Request fields as Vault's framework converts them (sdk/framework/field_data.go), with its
// error for input it cannot convert.

const conversionError = (field: string, value: unknown, why: string) => errors(400, `error converting input ${typeof value === 'string' ? value : JSON.stringify(value)} for field "${field}": ${why}`);

/** TypeCommaStringSlice: a JSON list, or a string split at commas; blanks dropped. */
export function commaList(field: string, value: unknown): string[] {
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.map((v) => String(v).trim()).filter(Boolean);
  throw conversionError(field, value, 'expected a list or a comma-separated string');
}

/** TypeStringSlice: a JSON list, or one string as a one-element list (statements hold commas). */
export function stringList(field: string, value: unknown): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw conversionError(field, value, 'expected a list of strings');
}

const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400 };

/** TypeDurationSecond: seconds as a number or numeric string, or a Go duration ("1h30m", "600s", "2d"). */
export function durationSeconds(field: string, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.floor(value);
  if (typeof value === 'string') {
    if (/^\d+$/.test(value)) return Number(value);
    const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/g)];
    if (parts.length && parts.map((p) => p[0]).join('') === value) {
      return Math.floor(parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_SECONDS[p[2] as string] as number), 0));
    }
  }
  throw conversionError(field, value, `time: invalid duration "${String(value)}"`);
}

/** A field given under its current name or, failing that, its deprecated one (tokenutil.UpgradeValue). */
export function upgraded(body: Record<string, unknown>, current: string, deprecated: string): { value: unknown; deprecated: boolean } | undefined {
  if (body[current] !== undefined) return { value: body[current], deprecated: false };
  if (body[deprecated] !== undefined) return { value: body[deprecated], deprecated: true };
  return undefined;
}
