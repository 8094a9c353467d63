/** Capped exponential backoff with jitter: never gives up, never hammers a recovering server. */
export function backoffDelay(attempt: number, baseMs = 250, capMs = 5000, random = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
