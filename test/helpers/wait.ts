/**
 * Waits for a condition instead of sleeping: polls until `predicate` holds or the
 * deadline passes, then fails saying what was awaited.
 */
export async function waitFor<T>(predicate: () => T | Promise<T>, opts: { timeoutMs?: number; what?: string; intervalMs?: number } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 5000);
  let last: unknown;
  for (;;) {
    try {
      const v = await predicate();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${opts.what ?? 'condition'}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 10));
  }
}
