import type { KubeObject } from './kube-object.ts';

export type Selector = (obj: KubeObject) => boolean;

class SelectorError extends Error {}

const matchAll: Selector = () => true;

/** Label selectors: a=b, a==b, a!=b, a in (x,y), a notin (x), a, !a — comma means AND. */
export function parseLabelSelector(text: string | null | undefined): Selector {
  if (!text) return matchAll;
  const terms = splitTerms(text).map(parseLabelTerm);
  return (obj) => {
    const labels = obj.metadata.labels ?? {};
    return terms.every((t) => t(labels));
  };
}

function splitTerms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

function parseLabelTerm(term: string): (labels: Record<string, string>) => boolean {
  const set = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (set) {
    const [, key, op, list] = set as unknown as [string, string, string, string];
    const values = new Set(list.split(',').map((v) => v.trim()).filter(Boolean));
    return op === 'in'
      ? (l) => l[key] !== undefined && values.has(l[key] as string)
      : (l) => l[key] === undefined || !values.has(l[key] as string);
  }
  const cmp = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s,]*)$/.exec(term);
  if (cmp) {
    const [, key, op, value] = cmp as unknown as [string, string, string, string];
    return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  const exists = /^(!?)([^\s!=(),]+)$/.exec(term);
  if (exists) {
    const [, not, key] = exists as unknown as [string, string, string];
    return not ? (l) => l[key] === undefined : (l) => l[key] !== undefined;
  }
  throw new SelectorError(`unable to parse requirement: "${term}"`);
}

/** Field selectors on dotted paths (metadata.name, spec.nodeName, involvedObject.name, ...). */
export function parseFieldSelector(text: string | null | undefined): Selector {
  if (!text) return matchAll;
  const terms = text.split(',').map((term) => {
    const m = /^\s*([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(term);
    if (!m) throw new SelectorError(`invalid field selector: "${term}"`);
    const [, path, op, value] = m as unknown as [string, string, string, string];
    const segments = path.split('.');
    return (obj: KubeObject) => {
      const actual = fieldValue(obj, segments);
      return op === '!=' ? actual !== value : actual === value;
    };
  });
  return (obj) => terms.every((t) => t(obj));
}

function fieldValue(obj: KubeObject, segments: string[]): string {
  let current: unknown = obj;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return '';
    current = (current as Record<string, unknown>)[segment];
  }
  return current === undefined || current === null ? '' : String(current);
}
