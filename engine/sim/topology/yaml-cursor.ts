import { isMap, isScalar, isSeq, type LineCounter, type Node as YamlNode } from 'yaml';

/** A manifest error that names the file, the 1-based line/column and the field path. */
export class TopologyError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${file}:${line}:${col}: ${field}: ${problem}`);
    this.name = 'TopologyError';
  }
}

interface Source {
  file: string;
  lines: LineCounter;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SIZES: Record<string, number> = { '': 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };

/**
 * Reads typed values out of a parsed YAML document while remembering where each value came
 * from, so every validation failure can point at the offending line.
 */
export class YamlCursor {
  constructor(
    private readonly source: Source,
    private readonly node: YamlNode | null | undefined,
    readonly path: string,
    /** Where to point when this field is missing: the enclosing node. */
    private readonly fallback: YamlNode | null | undefined,
  ) {}

  get present(): boolean {
    return this.node !== undefined && this.node !== null && !(isScalar(this.node) && this.node.value === null);
  }

  fail(problem: string): never {
    const anchor = this.present ? this.node : this.fallback;
    const offset = anchor?.range?.[0] ?? 0;
    const { line, col } = this.source.lines.linePos(offset);
    throw new TopologyError(this.source.file, Math.max(line, 1), Math.max(col, 1), this.path || '(root)', problem);
  }

  at(key: string): YamlCursor {
    if (!this.present) this.fail(`missing ${key}`);
    if (!isMap(this.node)) this.fail('expected a mapping');
    const child = this.node.get(key, true) as YamlNode | undefined;
    return new YamlCursor(this.source, child, this.path ? `${this.path}.${key}` : key, this.node);
  }

  items(): YamlCursor[] {
    if (!this.present) return [];
    if (!isSeq(this.node)) this.fail('expected a list');
    return this.node.items.map(
      (item, i) => new YamlCursor(this.source, item as YamlNode, `${this.path}[${i}]`, this.node),
    );
  }

  keys(): string[] {
    if (!this.present) return [];
    if (!isMap(this.node)) this.fail('expected a mapping');
    return this.node.items.map((pair) => String(isScalar(pair.key) ? pair.key.value : pair.key));
  }

  private scalar(): unknown {
    if (!this.present) this.fail('is required');
    if (!isScalar(this.node)) this.fail('expected a single value, not a list or mapping');
    return this.node.value;
  }

  str(): string {
    const value = this.scalar();
    if (typeof value !== 'string' || value.trim() === '') this.fail(`expected a non-empty string, got ${JSON.stringify(value)}`);
    return value;
  }

  optStr(fallback?: string): string | undefined {
    return this.present ? this.str() : fallback;
  }

  oneOf<T extends string>(allowed: readonly T[], fallback?: T): T {
    if (!this.present && fallback !== undefined) return fallback;
    const value = this.str();
    if (!(allowed as readonly string[]).includes(value)) this.fail(`expected one of ${allowed.join(', ')}, got "${value}"`);
    return value as T;
  }

  int(opts: { min?: number; fallback?: number } = {}): number {
    if (!this.present && opts.fallback !== undefined) return opts.fallback;
    const value = this.scalar();
    if (typeof value !== 'number' || !Number.isInteger(value)) this.fail(`expected an integer, got ${JSON.stringify(value)}`);
    if (opts.min !== undefined && value < opts.min) this.fail(`must be >= ${opts.min}, got ${value}`);
    return value;
  }

  bool(fallback: boolean): boolean {
    if (!this.present) return fallback;
    const value = this.scalar();
    if (typeof value !== 'boolean') this.fail(`expected true or false, got ${JSON.stringify(value)}`);
    return value;
  }

  /** "40s", "5m", "6h", "90d" (or a bare number of seconds) in milliseconds. */
  duration(): number {
    const value = this.scalar();
    if (typeof value === 'number' && value >= 0) return value * 1000;
    const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value.trim()) : null;
    if (!match) this.fail(`expected a duration like 40s, 5m, 6h or 90d, got ${JSON.stringify(value)}`);
    return Math.round(Number(match[1]) * (UNITS[match[2] as string] as number));
  }

  /** "10Gi", "128Mi" in bytes. */
  size(): number {
    const value = this.scalar();
    const match = typeof value === 'string' ? /^(\d+)(Ki|Mi|Gi|Ti)?$/.exec(value.trim()) : null;
    if (!match) this.fail(`expected a size like 10Gi or 128Mi, got ${JSON.stringify(value)}`);
    return Number(match[1]) * (SIZES[match[2] ?? ''] as number);
  }

  strList(opts: { required?: boolean } = {}): string[] {
    if (!this.present) {
      if (opts.required) this.fail('is required');
      return [];
    }
    return this.items().map((item) => item.str());
  }

  strMap(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of this.keys()) {
      const child = this.at(key);
      const value = child.scalar();
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        child.fail('expected a plain value');
      }
      out[key] = String(value);
    }
    return out;
  }
}

export function rootCursor(file: string, lines: LineCounter, node: YamlNode | null | undefined): YamlCursor {
  return new YamlCursor({ file, lines }, node, '', node);
}
