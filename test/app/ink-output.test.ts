import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import InkOutput from '../../node_modules/ink/build/output.js';
import { rowMemoOutput } from '../../bin/ink/row-memo-output.js';

/** The bundle's Output must draw exactly what Ink's draws, frame after frame. */
const MemoOutput = rowMemoOutput(InkOutput);

function random(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % n;
  };
}

const PIECES = ['pi1', 'NotReady', 'Ready', ' ', '  ', '●', '→', '漢字', '😀', 'degraded: 3 replicas', '\x1b[31mred\x1b[39m', '\x1b[1m\x1b[33mbold yellow\x1b[39m\x1b[22m', '\x1b[7m sel \x1b[27m', 'x'.repeat(30)];
const upper = (line: string) => line.toUpperCase();
const numbered = (line: string, index: number) => `${index}:${line}`;

type Op = { x: number; y: number; text: string; transformers: ((line: string, index: number) => string)[] } | { clip: { x1?: number; x2?: number; y1?: number; y2?: number } } | 'unclip';

function randomFrame(next: (n: number) => number, width: number, height: number): Op[] {
  const ops: Op[] = [];
  const count = 1 + next(12);
  for (let i = 0; i < count; i++) {
    const lines = Array.from({ length: 1 + next(3) }, () => Array.from({ length: 1 + next(4) }, () => PIECES[next(PIECES.length)]).join(''));
    const transformers = [[], [], [upper], [numbered], [upper, numbered]][next(5)]!;
    ops.push({ x: next(width + 5), y: next(height + 3) - 1, text: lines.join('\n'), transformers });
  }
  return ops;
}

function draw(Output: typeof InkOutput, width: number, height: number, ops: Op[]): string {
  const out = new Output({ width, height });
  for (const op of ops) {
    if (op === 'unclip') out.unclip();
    else if ('clip' in op) out.clip({ x1: undefined, x2: undefined, y1: undefined, y2: undefined, ...op.clip });
    else out.write(op.x, op.y, op.text, { transformers: op.transformers });
  }
  return JSON.stringify(out.get());
}

describe('the row-memoising Ink Output used by the bundle', () => {
  it('draws every random frame exactly as Ink does, including repeated and partly changed frames', () => {
    const next = random(7);
    for (let frame = 0; frame < 400; frame++) {
      const [width, height] = [10 + next(60), 1 + next(12)];
      const ops = randomFrame(next, width, height);
      assert.equal(draw(MemoOutput, width, height, ops), draw(InkOutput, width, height, ops), `frame ${frame}`);
      // The same frame again (memo hits), then with one write changed.
      assert.equal(draw(MemoOutput, width, height, ops), draw(InkOutput, width, height, ops), `frame ${frame} repeated`);
      const changed = [...ops.slice(1), ...randomFrame(next, width, height).slice(0, 1)];
      assert.equal(draw(MemoOutput, width, height, changed), draw(InkOutput, width, height, changed), `frame ${frame} changed`);
    }
  });

  it('leaves frames with clipping to Ink', () => {
    const ops: Op[] = [{ clip: { x1: 2, x2: 8 } }, { x: 0, y: 0, text: 'clipped text here\nline two', transformers: [] }, 'unclip', { x: 0, y: 2, text: 'free', transformers: [] }];
    assert.equal(draw(MemoOutput, 20, 4, ops), draw(InkOutput, 20, 4, ops));
    assert.match(draw(MemoOutput, 20, 4, ops), /ipped/);
  });
});
