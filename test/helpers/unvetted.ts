import type { CommandVetting } from '../../engine/adapters/process.ts';

/** For tests of the engine's own use of child processes: the guard's vetting is tested in test/guard/. */
export const UNVETTED: CommandVetting = { check() {}, async vet() {} };
