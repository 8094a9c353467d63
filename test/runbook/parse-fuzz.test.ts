import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LocatedError, LocatedErrors } from '../../engine/common/located-error.ts';
import { parseRunbook } from '../../engine/runbook/parse-runbook.ts';
import { createPrng, type Prng } from '../../engine/sim/prng.ts';

/**
 * Property: on any input the parser returns a runbook or throws LocatedErrors whose every problem
 * points into the input. A TypeError, a RangeError or a line outside the file is a parser bug.
 */
const FILE = '/runbooks/fuzz.md';
const SEED = 20_240_611;

const BASE = `# Fuzz base

Intro with a [link](x) and \`code\`.

## First: section

> [!CAUTION]
> careful

1. [AGENT] Unseal
   \`\`\`lab
   action: vault.unseal
   timeout: 90s
   requires:
     - postgres.reachable
   verify:
     - vault.unsealed
     - { node.ready: pi2 }
     - probe: sql
       database: erp
       query: select 1
       timeout: 2m
   \`\`\`
2) [HUMAN] Look
   body text

   ~~~sh
   kubectl get pods
   ~~~

| a | b |
|---|---|

\`\`\`
1. [AGENT] inside a prose fence
\`\`\`

3. [AGENT] Scale
   \`\`\`bash
   echo scale
   \`\`\`
   \`\`\`lab
   action: k8s.scale
   deployment: erp
   replicas: 2
   verify:
     - deployment.ready: erp
   \`\`\`

Outro.

## Second

1. [AGENT] Wait
   \`\`\`lab
   action: wait
   verify:
     - app.healthy
   \`\`\`
`;

/** The lab's house style: breadcrumb, status line, a TL;DR with a diagram and its ordered list, untagged items. */
const HOUSE = `[vibe](../README.md) > [Runbooks](README.md) > Fuzz

# Fuzz house

**Status:** 🟢 Active · **Last Updated:** 2026-12-01 · **Related:** [x](x.md)

## TL;DR

\`\`\`mermaid
%%{init: {'theme':'base'}}%%
flowchart TD
  A["one"] --> B["two"]
\`\`\`

1. One first.
2. Then two.

> [!NOTE]
> 1. a numbered line in an admonition

## Steps

1. [HUMAN] Look
2. An untagged item between steps
3. [AGENT] Act
   \`\`\`sh
   echo act
   \`\`\`
4. A forgotten tag
   \`\`\`lab
   action: vault.unseal
   \`\`\`

## See also

- [x](x.md)
`;

const TOKENS = ['`', '```', '~~~', '```lab', '```sh', '[', ']', '[AGENT]', '[HUMAN]', '[agent]', ':', ': ', '\t', ' ', '   ', '-', '- ', '#', '## ', '1. ', '2) ', '{', '}', '"', "'", '\r', '\n', '\r\n', 'é', '🙂', '\u0000', '\uFEFF', '>', '|', '*x', '&x ', '!!str ', '<<: ', '? ', '---', '...', '__proto__', 'constructor', 'action: ', 'probe: ', 'timeout: ', 'verify:', '- wait', 'NaN', '.inf', '1e999', '0x1F', '-5', 'null', '~'];

/** Words that mean something to the parser, swapped for words in the base: reaches the semantic checks. */
const WORDS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'action', 'probe', 'timeout', 'verify', 'requires', 'wait', 'sh', 'lab', 'bash', 'text', 'vault.unseal', 'k8s.scale', 'node.ready', 'sql', 'vault.unsealed', 'deployment', 'replicas', 'database', 'query', '90s', '0', '-1', '1.5', 'true', 'null', '~', '[]', '{}', '[AGENT]', '[HUMAN]', 'AGENT', '1.', '##'];

function token(rng: Prng): string {
  return rng.next() < 0.7 ? rng.pick(TOKENS) : String.fromCodePoint(Math.floor(rng.next() * 0x2fff));
}

const int = (rng: Prng, n: number): number => Math.floor(rng.next() * n);

function mutate(text: string, rng: Prng): string {
  const lines = text.split('\n');
  const at = (): number => int(rng, lines.length);
  for (let n = 1 + int(rng, 4); n > 0; n--) {
    const i = at();
    const line = lines[i] ?? '';
    switch (int(rng, 10)) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(i, 0, line);
        break;
      case 2: {
        const j = at();
        [lines[i], lines[j]] = [lines[j] ?? '', line];
        break;
      }
      case 3: {
        const col = int(rng, line.length + 1);
        lines[i] = line.slice(0, col) + token(rng) + line.slice(col);
        break;
      }
      case 4:
        lines[i] = rng.next() < 0.5 ? ' '.repeat(1 + int(rng, 6)) + line : line.trimStart();
        break;
      case 5:
        lines[i] = line.slice(0, int(rng, line.length + 1));
        break;
      case 6:
        return lines.join('\n').slice(0, int(rng, text.length + 1));
      case 7: {
        const words = [...line.matchAll(/[\w.\-[\]]+/g)];
        const w = words.length ? words[int(rng, words.length)]! : undefined;
        if (w) lines[i] = line.slice(0, w.index) + rng.pick(WORDS) + line.slice(w.index + w[0].length);
        break;
      }
      default:
        lines.splice(i, 0, Array.from({ length: 1 + int(rng, 5) }, () => token(rng)).join(''));
    }
  }
  return lines.join(rng.next() < 0.1 ? '\r\n' : '\n');
}

function randomText(rng: Prng): string {
  return Array.from({ length: int(rng, 120) }, () => token(rng)).join('');
}

/** Runs the parser and checks the property: 'ok', 'rejected', or what went wrong. */
function outcome(text: string): string {
  const lineCount = text.split('\n').length;
  try {
    const book = parseRunbook(FILE, text);
    const ids = book.sections.flatMap((s) => s.steps.map((st) => st.id));
    if (new Set(ids).size !== ids.length) return `duplicate step ids ${ids.join(', ')}`;
    for (const s of book.sections) for (const [k, st] of s.steps.entries()) if (st.number !== k + 1 || st.line < 1 || st.line > lineCount) return `bad step ${st.id} line ${st.line}`;
    for (const w of book.warnings) {
      const line = Number(/^\/runbooks\/fuzz\.md:(\d+): /.exec(w)?.[1]);
      if (!(line >= 1 && line <= lineCount)) return `bad warning location: ${w}`;
    }
    return 'ok';
  } catch (e) {
    if (!(e instanceof LocatedErrors)) return `threw ${(e as Error)?.stack ?? String(e)}`;
    if (!e.errors.length) return 'LocatedErrors without problems';
    for (const p of e.errors) {
      if (!(p instanceof LocatedError)) return `problem is not a LocatedError: ${String(p)}`;
      const { file, line } = p.location;
      if (file !== FILE || !Number.isInteger(line) || line < 1 || line > lineCount + 1) return `bad location ${file}:${line} (input has ${lineCount} lines): ${p.message}`;
    }
    return 'rejected';
  }
}

describe('runbook parser fuzz', () => {
  it('the base runbook is valid, so mutations start from a parse that succeeds', () => {
    assert.equal(outcome(BASE), 'ok');
    assert.equal(parseRunbook(FILE, BASE).sections.length, 2);
  });

  it('the house-style base is valid too, with exactly its two warnings', () => {
    assert.equal(outcome(HOUSE), 'ok');
    assert.equal(parseRunbook(FILE, HOUSE).warnings.length, 2);
  });

  it('returns a runbook or located errors on 2000 mutated, 1000 house-style and 500 random inputs', (t) => {
    const rng = createPrng(SEED);
    let rejected = 0;
    for (let n = 0; n < 3500; n++) {
      const text = n < 2000 ? mutate(BASE, rng) : n < 3000 ? mutate(HOUSE, rng) : randomText(rng);
      const result = outcome(text);
      if (result === 'rejected') rejected++;
      else if (result !== 'ok') assert.fail(`input #${n} (seed ${SEED}): ${result}\n--- input ---\n${text}`);
    }
    // Both outcomes must be exercised, or the property says little.
    t.diagnostic(`rejected ${rejected} of 3500`);
    assert.ok(rejected > 100 && rejected < 3400, `rejected ${rejected} of 3500`);
  });
});
