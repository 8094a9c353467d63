import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

const ALL = ['bin', 'src', 'screens', 'engine'].flatMap(sources);
/** Value imports only: `import type` carries no capability. */
const valueImports = (file: string) =>
  [...fs.readFileSync(file, 'utf8').matchAll(/^import\s+(?!type\b)([^;]*?)\s+from\s+'([^']+)'/gm)].map((m) => ({ what: m[1]!, from: m[2]! }));

it('only engine/adapters constructs clients for real systems', () => {
  const offenders = ALL.filter((f) => !f.startsWith('engine/adapters/') && !f.startsWith('engine/sim/')).flatMap((f) =>
    valueImports(f)
      .filter((i) => i.from === 'node-vault' || i.from === 'execa' || (i.from === '@kubernetes/client-node' && /KubeConfig|makeInformer|Api\b/.test(i.what)))
      .map((i) => `${f} imports ${i.what} from ${i.from}`),
  );
  assert.deepEqual(offenders, []);
});

it('only engine/adapters opens sockets: every one goes through the guard\'s socket policy', () => {
  const clients = /^(pg|undici|axios|node-fetch|node:https?|node:tls|node:dgram)$/;
  const offenders = ALL.filter((f) => !f.startsWith('engine/adapters/') && !f.startsWith('engine/sim/')).flatMap((f) => {
    const text = fs.readFileSync(f, 'utf8').split('\n').filter((l) => !/^\s*(\/\/|\*|\/\*)/.test(l)).join('\n');
    const imports = valueImports(f).filter((i) => clients.test(i.from)).map((i) => `${f} imports ${i.from}`);
    const calls = [...text.matchAll(/(?<![.\w])fetch\(|\b(?:net|tls)\.(?:connect|createConnection)\(/g)].map((m) => `${f} calls ${m[0]}`);
    return [...imports, ...calls];
  });
  assert.deepEqual(offenders, []);
});

it('only the guard obtains adapters', () => {
  const offenders = ALL.filter((f) => !f.startsWith('src/guard/') && !f.startsWith('engine/adapters/')).flatMap((f) =>
    valueImports(f)
      .filter((i) => /engine\/adapters\//.test(i.from) || (/\.\.?\/adapters\//.test(i.from) && f.startsWith('engine/')))
      .map((i) => `${f} imports ${i.what} from ${i.from}`),
  );
  assert.deepEqual(offenders, []);
});

it('the engine never imports screens, and screens perform no I/O', () => {
  const engine = sources('engine').flatMap((f) => valueImports(f).filter((i) => i.from.includes('screens/')).map((i) => `${f} → ${i.from}`));
  const screens = sources('screens').flatMap((f) =>
    valueImports(f)
      .filter((i) => /^node:(fs|child_process|net|http|https)$/.test(i.from) || i.from.includes('engine/adapters') || i.from.includes('src/guard/sandbox'))
      .map((i) => `${f} → ${i.from}`),
  );
  assert.deepEqual([...engine, ...screens], []);
});
