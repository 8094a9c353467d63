import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupCycles, importGraph, type ImportEdge } from '../helpers/import-graph.ts';

const ROOTS = ['bin', 'src', 'screens', 'engine'];
const EDGES = importGraph(ROOTS);

const topFolder = (file: string) => file.split('/')[0];
/** `engine/<area>`; a file of engine/ itself belongs to no area. */
const engineArea = (file: string) => (/^engine\/[^/]+\//.test(file) ? file.split('/').slice(0, 2).join('/') : undefined);

const none = (what: string, found: string[]) => assert.ok(!found.length, `${what}:\n${found.join('\n\n')}`);

describe('the import graph has no cycles between parts', () => {
  it('sees the imports it judges (value, type, re-export and import())', () => {
    const from = (f: string) => EDGES.filter((e) => e.from === f).map((e) => e.to);
    assert.ok(from('src/cli/boot-cockpit.ts').includes('engine/cockpit/cockpit.ts'), 'a value import');
    assert.ok(from('src/cli/boot-cockpit.ts').includes('engine/cockpit/types.ts'), 'a type import');
    assert.ok(from('src/cli/with-sandbox.ts').includes('src/guard/sandbox.ts'), 'a dynamic import()');
    assert.ok(from('src/guard/sim-control-target.ts').includes('engine/adapters/sim-control.ts'), 'a re-export');
  });

  it('names a cycle with an import for each of its steps', () => {
    const edges: ImportEdge[] = [
      { from: 'engine/a/x.ts', to: 'engine/b/y.ts' },
      { from: 'engine/b/y.ts', to: 'engine/c/z.ts' },
      { from: 'engine/c/z.ts', to: 'engine/a/w.ts' },
      { from: 'engine/c/z.ts', to: 'engine/common/store.ts' },
    ];
    assert.deepEqual(groupCycles(edges, engineArea), ['engine/a → engine/b → engine/c → engine/a\n  engine/a/x.ts imports engine/b/y.ts\n  engine/b/y.ts imports engine/c/z.ts\n  engine/c/z.ts imports engine/a/w.ts']);
  });

  it('top-level folders import one way (src ↔ screens included); the engine imports neither src nor screens', () => {
    const upward = EDGES.filter((e) => e.from.startsWith('engine/') && !e.to.startsWith('engine/')).map((e) => `${e.from} imports ${e.to}`);
    none('the engine imports outside engine/', upward);
    none('top-level folders import each other', groupCycles(EDGES, topFolder));
  });

  it('engine areas (engine/<area>) form no cycle', () => {
    none('engine areas import each other', groupCycles(EDGES, engineArea));
  });

  it('engine/adapters builds on engine/common alone', () => {
    const out = EDGES.filter((e) => e.from.startsWith('engine/adapters/') && engineArea(e.to) !== 'engine/adapters' && engineArea(e.to) !== 'engine/common').map((e) => `${e.from} imports ${e.to}`);
    none('engine/adapters imports another part', out);
  });
});
