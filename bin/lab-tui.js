#!/usr/bin/env node
// The sources are TypeScript run through tsx, so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const { processIo } = await import('../src/cli/io.ts');
// Exit explicitly: a half-closed watch socket must not keep a finished command alive.
process.exit(await main(process.argv.slice(2), processIo()));
