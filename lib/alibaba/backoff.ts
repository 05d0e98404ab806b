/** Retry delays for Domain API calls. */

export interface BackoffPolicy {
  /** First delay ceiling, ms. */
  baseMs: number;
  /** Largest delay ceiling, ms. */
  capMs: number;
  /** Largest server-requested wait (`x-acs-retry-after`) we honour, ms. */
  maxRetryAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 200, capMs: 5000, maxRetryAfterMs: 30_000 };

/**
 * Delay before retry number `retry` (1 = first retry), ms: "full jitter" exponential backoff, i.e. uniform in
 * [0, min(cap, base * 2^(retry-1))], but never shorter than the server's `x-acs-retry-after` (ms), itself capped.
 */
export function computeBackoffMs(
  retry: number,
  random: () => number,
  retryAfterMs: number | undefined,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, retry - 1));
  const jittered = Math.floor(random() * ceiling);
  const serverWait = retryAfterMs !== undefined ? Math.min(retryAfterMs, policy.maxRetryAfterMs) : 0;
  return Math.max(jittered, serverWait);
}

/** Parses `x-acs-retry-after` (milliseconds, as Darabonba SDKs read it); undefined when absent or not positive. */
export function parseRetryAfterMs(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = Number(header.trim());
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
