/** The replay backoff of go-dletter's `calcWait`: min(initial · 2^attempt, 30 s) plus a jitter in [0, 10 %) of that. */
export const MAX_BACKOFF_MS = 30_000;

export function backoffMs(initialMs: number, attempt: number, random: () => number = Math.random): number {
  if (!(initialMs > 0)) return 0;
  const exp = Math.min(Math.max(0, Math.floor(attempt)), 60); // no overflow for huge attempt counts
  const wait = Math.min(initialMs * 2 ** exp, MAX_BACKOFF_MS);
  const jitterRange = Math.floor(wait / 10);
  return wait + (jitterRange > 0 ? Math.floor(random() * jitterRange) : 0);
}
