#!/usr/bin/env node
// Bundles the sources into dist/ (run by `npm run build`, hence by `npm ci` and `npm test`).
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const inkBuild = /[\\/]ink[\\/]build[\\/]/;
const rowMemoOutput = fileURLToPath(new URL('./ink/row-memo-output.js', import.meta.url));

/** Replaces `marker` in an Ink source, or fails the build: Ink changed and the patch must be revisited. */
function patch(path, source, marker, replacement) {
  if (!source.includes(marker)) throw new Error(`${path}: "${marker.trim()}" not found; update bin/bundle.mjs for this Ink version`);
  return source.replace(marker, replacement);
}

/**
 * Ink's frame cost, measured at 15–45 ms for a 160×45 dashboard, is nearly all string work
 * redone for text that did not change. Three fixes, all equivalence-tested against Ink
 * (test/app/ink-output.test.ts):
 * - Ink's Output is replaced by bin/ink/row-memo-output.js, which composes changed rows only;
 * - the Output string caches, which die with each frame, are shared across frames, bounded;
 * - text nodes are measured through Ink's own cached measureText instead of widestLine.
 */
const fasterInkFrames = {
  name: 'faster-ink-frames',
  setup(b) {
    b.onResolve({ filter: /^\.\/output\.js$/ }, (args) => (inkBuild.test(args.importer) ? { path: 'row-memo-output', namespace: 'ink-patch' } : undefined));
    b.onResolve({ filter: /^ink-original-output$/ }, () => ({ path: fileURLToPath(new URL('./output.js', import.meta.resolve('ink'))) }));
    b.onLoad({ filter: /.*/, namespace: 'ink-patch' }, () => ({
      contents: `import InkOutput from 'ink-original-output';\nimport { rowMemoOutput } from ${JSON.stringify(rowMemoOutput)};\nexport default rowMemoOutput(InkOutput);`,
      resolveDir: fileURLToPath(new URL('.', import.meta.url)),
      loader: 'js',
    }));
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]output\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const shared = [
        'const sharedCaches = new OutputCaches();',
        'const MAX_CACHED_LINES = 1000;',
        'function frameCaches() {',
        '    if (sharedCaches.styledChars.size > MAX_CACHED_LINES) {',
        '        sharedCaches.styledChars.clear();',
        '        sharedCaches.widths.clear();',
        '        sharedCaches.blockWidths.clear();',
        '    }',
        '    return sharedCaches;',
        '}',
      ].join('\n');
      const cachesShared = patch(args.path, source, '    caches = new OutputCaches();', '    caches = frameCaches();');
      return { contents: patch(args.path, cachesShared, 'export default class Output', `${shared}\nexport default class Output`), loader: 'js' };
    });
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]render-node-to-output\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const measured = patch(args.path, source, 'const currentWidth = widestLine(text);', 'const currentWidth = measureText(text).width;');
      return { contents: `import measureText from './measure-text.js';\n${measured}`, loader: 'js' };
    });
  },
};

/**
 * pg asks whether it runs in a Cloudflare Worker by constructing a `Response`, which on Node 20
 * loads all of Node's fetch implementation: about 90 ms of every lab-sim start and of the first
 * PostgreSQL check. lab-tui runs on Node only, so the bundle takes pg's Node streams directly.
 */
const pgNodeStreams = {
  name: 'pg-node-streams',
  setup(b) {
    b.onLoad({ filter: /[\\/]pg[\\/]lib[\\/]stream\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      return { contents: patch(args.path, source, 'const { getStream, getSecureStream } = getStreamFuncs()', 'const { getStream, getSecureStream } = getNodejsStreamFuncs()'), loader: 'js' };
    });
  },
};

await rm('dist', { recursive: true, force: true });
await build({
  // lab-sim's thread is an entry of its own: a worker is started from a file.
  entryPoints: { main: 'src/cli/main.ts', 'sim-thread': 'engine/sim/thread/sim-thread.ts' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  jsx: 'automatic',
  outdir: 'dist',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
  external: ['react-devtools-core'],
  // Bundled CommonJS dependencies call require(); ESM output has none of its own.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  plugins: [fasterInkFrames, pgNodeStreams],
});
