/**
 * A shared call budget: calls are spaced at least 1000/qps ms apart (a token bucket of depth 1), so no burst can
 * exceed the budget. Reservation is synchronous, so concurrent callers never race for the same slot.
 */
export interface RateLimiter {
  /** Resolves when the caller may send one request. */
  acquire(): Promise<void>;
}

/**
 * Creates a limiter for `qps` calls per second (must be > 0; Infinity disables it).
 * `now` (epoch ms) and `sleep` (ms) are injectable for tests.
 */
export function createRateLimiter(qps: number, now: () => number, sleep: (ms: number) => Promise<void>): RateLimiter {
  if (!(qps > 0)) throw new RangeError(`qps must be a positive number, got ${qps}`);
  const intervalMs = 1000 / qps;
  let nextSlotMs = Number.NEGATIVE_INFINITY;
  return {
    async acquire() {
      if (!Number.isFinite(intervalMs) || intervalMs === 0) return;
      const t = now();
      const slot = Math.max(t, nextSlotMs);
      nextSlotMs = slot + intervalMs;
      const waitMs = slot - t;
      if (waitMs > 0) await sleep(waitMs);
    },
  };
}
