import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** One import of one file: the file that imports, the file it resolves to. */
export interface ImportEdge {
  from: string;
  to: string;
}

const SOURCE = /\.(tsx?|mjs|js)$/;
const EXTENSIONS = ['', '.ts', '.tsx', '.js', '.mjs', '/index.ts', '/index.tsx', '/index.js'];

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : SOURCE.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

function resolve(from: string, specifier: string): string | undefined {
  const base = path.normalize(path.join(path.dirname(from), specifier));
  return EXTENSIONS.map((ext) => base + ext).find((p) => fs.existsSync(p) && fs.statSync(p).isFile());
}

/**
 * Every relative import of the given folders (paths relative to the cwd), resolved to a file:
 * value and type imports, re-exports and literal `import()` alike, because each is a dependency
 * the layering has to allow. TypeScript's own pre-processor finds them, so multi-line imports
 * and strings that merely look like imports are told apart.
 */
export function importGraph(roots: string[]): ImportEdge[] {
  return roots.flatMap(sourceFiles).flatMap((file) =>
    ts
      .preProcessFile(fs.readFileSync(file, 'utf8'), true, true)
      .importedFiles.map((i) => i.fileName)
      .filter((s) => s.startsWith('.'))
      .flatMap((s) => {
        const to = resolve(file, s);
        return to ? [{ from: file, to }] : [];
      }),
  );
}

/**
 * The cycles between groups of files (a group per folder, per engine area…): for every group that
 * lies on one, the shortest cycle through it, each step with an import that makes it.
 */
export function groupCycles(edges: ImportEdge[], groupOf: (file: string) => string | undefined): string[] {
  const witness = new Map<string, ImportEdge>();
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    const a = groupOf(e.from);
    const b = groupOf(e.to);
    if (!a || !b || a === b) continue;
    if (!next.has(a)) next.set(a, new Set());
    next.get(a)!.add(b);
    if (!witness.has(`${a}\0${b}`)) witness.set(`${a}\0${b}`, e);
  }
  const seen = new Set<string>();
  const cycles: string[] = [];
  for (const start of [...next.keys()].sort()) {
    const cycle = shortestCycle(start, next);
    if (!cycle) continue;
    const key = [...cycle].sort().join(' ') + ':' + canonical(cycle).join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    const steps = cycle.map((g, i) => {
      const w = witness.get(`${g}\0${cycle[(i + 1) % cycle.length]}`)!;
      return `  ${w.from} imports ${w.to}`;
    });
    cycles.push([[...cycle, cycle[0]].join(' → '), ...steps].join('\n'));
  }
  return cycles;
}

/** The same cycle read from its smallest group, so one found from two starts is reported once. */
function canonical(cycle: string[]): string[] {
  const i = cycle.indexOf([...cycle].sort()[0]!);
  return [...cycle.slice(i), ...cycle.slice(0, i)];
}

function shortestCycle(start: string, next: Map<string, Set<string>>): string[] | undefined {
  const parent = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const g = queue.shift()!;
    for (const n of [...(next.get(g) ?? [])].sort()) {
      if (n === start) {
        const path = [g];
        while (path[0] !== start) path.unshift(parent.get(path[0]!)!);
        return path;
      }
      if (!parent.has(n)) {
        parent.set(n, g);
        queue.push(n);
      }
    }
  }
  return undefined;
}
