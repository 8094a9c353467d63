/** Documented in README#exit-codes; scripts and CI depend on them. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  refused: 3,
} as const;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
