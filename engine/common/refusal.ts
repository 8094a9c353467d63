/** The guard's refusal, known by name: the engine does not import the guard. */
export function isRefusal(e: unknown): boolean {
  return (e as { name?: unknown } | undefined)?.name === 'GuardRefusal';
}
