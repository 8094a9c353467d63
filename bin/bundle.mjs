#!/usr/bin/env node
// Bundles the sources into dist/ (run by `npm run build`, hence by `npm ci` and `npm test`).
import { readFile, rm } from 'node:fs/promises';
import { build } from 'esbuild';

/**
 * Ink builds every frame in a fresh Output whose string caches die with it, so each frame
 * re-tokenises every styled character on screen (most of a frame's cost, measured). Sharing
 * the caches across frames, bounded, makes unchanged lines nearly free. Fails the build if
 * Ink's source no longer has the line this relies on.
 */
const sharedInkCaches = {
  name: 'shared-ink-output-caches',
  setup(b) {
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]output\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const marker = '    caches = new OutputCaches();';
      if (!source.includes(marker)) throw new Error(`${args.path}: "${marker.trim()}" not found; update bin/bundle.mjs for this Ink version`);
      const shared = [
        'const sharedCaches = new OutputCaches();',
        'const MAX_CACHED_LINES = 5000;',
        'function frameCaches() {',
        '    if (sharedCaches.styledChars.size > MAX_CACHED_LINES) {',
        '        sharedCaches.styledChars.clear();',
        '        sharedCaches.widths.clear();',
        '        sharedCaches.blockWidths.clear();',
        '    }',
        '    return sharedCaches;',
        '}',
      ].join('\n');
      return { contents: source.replace(marker, '    caches = frameCaches();').replace('export default class Output', `${shared}\nexport default class Output`), loader: 'js' };
    });
  },
};

await rm('dist', { recursive: true, force: true });
await build({
  entryPoints: ['src/cli/main.ts'],
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
  plugins: [sharedInkCaches],
});
