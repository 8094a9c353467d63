#!/usr/bin/env node
// Runs the bundled dist/ (built by `npm ci` through the prepare script, and by `npm test`);
// a checkout that was never built falls back to running the TypeScript sources through tsx.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// V8 lets the heap grow up to ~4× its live size between full collections; at 500 nodes and
// 20,000 pods that was 300 MB of mostly garbage. Growing by 50% keeps it near 230–260 MB for
// a few more collections (measured in bench/dashboard.ts; no visible latency cost).
setFlagsFromString('--heap-growing-percent=50');

// chalk (under Ink) ignores NO_COLOR (https://no-color.org); FORCE_COLOR=0 is how it is told.
if (process.env.NO_COLOR) process.env.FORCE_COLOR = '0';
// Ink draws only the last frame when CI is set; an operator at a real terminal (CI=1 left in a
// shell, or the test suite's terminals under CI) still gets the live cockpit.
if (process.stdin.isTTY && process.stdout.isTTY) {
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
}
const compiled = new URL('../dist/main.js', import.meta.url);
let entry = compiled;
if (!existsSync(compiled)) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = new URL('../src/cli/main.ts', import.meta.url);
}
const { main, processIo } = await import(entry.href);
// Exit explicitly: a half-closed watch socket must not keep a finished command alive.
process.exit(await main(process.argv.slice(2), processIo()));
