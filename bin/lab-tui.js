#!/usr/bin/env node
// The sources are TypeScript run through tsx, so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';

// chalk (under Ink) ignores NO_COLOR (https://no-color.org); FORCE_COLOR=0 is how it is told.
if (process.env.NO_COLOR) process.env.FORCE_COLOR = '0';
register();
const { main } = await import('../src/cli/main.ts');
const { processIo } = await import('../src/cli/io.ts');
// Exit explicitly: a half-closed watch socket must not keep a finished command alive.
process.exit(await main(process.argv.slice(2), processIo()));
