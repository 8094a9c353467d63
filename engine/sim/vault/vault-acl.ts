// Vault ACL policies: the HCL subset lab-sim parses (`path "…" { capabilities = [...] }` and the
// legacy `policy = "read|write|deny|sudo"`) and Vault's rule for picking the rule that governs a
// request path: an exact path beats a glob, the longest glob prefix beats shorter ones, `+` matches
// one segment; capabilities of the same pattern in several policies are merged; `deny` wins.

export type Capability = 'create' | 'read' | 'update' | 'patch' | 'delete' | 'list' | 'sudo' | 'deny';

const CAPABILITIES = new Set<string>(['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo', 'deny', 'subscribe']);
const LEGACY: Record<string, Capability[]> = {
  deny: ['deny'],
  read: ['read', 'list'],
  write: ['create', 'read', 'update', 'delete', 'list'],
  sudo: ['create', 'read', 'update', 'delete', 'list', 'sudo'],
};

export interface PathRule {
  pattern: string;
  capabilities: Capability[];
}

export class PolicyParseError extends Error {}

/** Parses a policy's HCL; throws PolicyParseError with Vault's wording for what it rejects. */
export function parsePolicy(hcl: string): PathRule[] {
  const rules: PathRule[] = [];
  const text = hcl.replace(/#[^\n]*|\/\/[^\n]*/g, '');
  const block = /path\s+"([^"]*)"\s*\{([^}]*)\}/g;
  let rest = text;
  for (const [whole, pattern, body] of text.matchAll(block)) {
    rest = rest.replace(whole, '');
    const list = /capabilities\s*=\s*\[([^\]]*)\]/.exec(body as string);
    const legacy = /policy\s*=\s*"([^"]*)"/.exec(body as string);
    let capabilities: Capability[] = [];
    if (list) {
      capabilities = [...(list[1] as string).matchAll(/"([^"]*)"/g)].map((m) => m[1] as Capability);
      const bad = capabilities.find((c) => !CAPABILITIES.has(c));
      if (bad !== undefined) throw new PolicyParseError(`failed to parse policy: path "${pattern}": invalid capability "${bad}"`);
    } else if (legacy) {
      const mapped = LEGACY[legacy[1] as string];
      if (!mapped) throw new PolicyParseError(`failed to parse policy: path "${pattern}": invalid policy "${legacy[1]}"`);
      capabilities = mapped;
    }
    rules.push({ pattern: pattern as string, capabilities });
  }
  if (rest.trim() !== '' && !/^name\s*=\s*"[^"]*"$/.test(rest.trim())) {
    throw new PolicyParseError(`failed to parse policy: invalid policy text near "${rest.trim().slice(0, 40)}"`);
  }
  return rules;
}

function matches(pattern: string, path: string): boolean {
  const glob = pattern.endsWith('*');
  const body = glob ? pattern.slice(0, -1) : pattern;
  const source = body.split('+').map((part) => part.replace(/[.?^${}()|[\]\\]/g, '\\$&')).join('[^/]+');
  return new RegExp(`^${source}${glob ? '' : '$'}`).test(path);
}

/** Vault's priority: fewer `+` wildcards, then no trailing glob, then the longest pattern. */
function moreSpecific(a: string, b: string): number {
  const plus = (p: string) => p.split('+').length - 1;
  const glob = (p: string) => (p.endsWith('*') ? 1 : 0);
  return plus(a) - plus(b) || glob(a) - glob(b) || b.length - a.length;
}

/** The capabilities the merged rules grant on `path` (empty when no rule matches or a deny does). */
export function capabilitiesOn(rules: PathRule[], path: string): Set<Capability> {
  const matching = rules.filter((r) => matches(r.pattern, path));
  if (!matching.length) return new Set();
  const best = matching.map((r) => r.pattern).sort(moreSpecific)[0] as string;
  const granted = new Set(matching.filter((r) => r.pattern === best).flatMap((r) => r.capabilities));
  return granted.has('deny') ? new Set() : granted;
}
