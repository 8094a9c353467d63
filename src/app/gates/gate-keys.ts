import type { Binding } from '../keymap.ts';

/** The Gates screen runs what needs no file; the others name their command. */
export const GATE_BINDINGS: readonly Binding<'parity'>[] = [{ keys: ['p'], label: 'p', description: 'run the parity gate against the live sandbox', action: 'parity', hint: 'run parity' }];
