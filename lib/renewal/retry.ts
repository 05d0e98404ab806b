import { createNoTimeToRetry } from './time-margin';

/**
 * Retries `fn` up to `attempts` times with jittered exponential backoff (base `baseMs`, capped at `capMs`, ms); no
 * further try once `stop()` says so (the function's time margin: the run must still record and report).
 */
export async function retryWithBackoff<T>(
  fn: (attempt: number) => Promise<T>,
  options: {
    attempts: number;
    baseMs: number;
    capMs: number;
    sleep: (ms: number) => Promise<void>;
    stop?: () => boolean;
  },
): Promise<T> {
  let last: unknown;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      last = err;
      if (attempt === options.attempts || options.stop?.()) break;
      const ceiling = Math.min(options.capMs, options.baseMs * 2 ** (attempt - 1));
      await options.sleep(ceiling / 2 + Math.random() * (ceiling / 2));
    }
  }
  throw last;
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The tries of a ledger step a run must not lose to one throttled call (the watch list, the inventory, a release of
 * a claim a batch left out): three, with backoff from 200 ms to 2 s, none once the time margin says so.
 */
export function threeTries(deps: {
  sleep: (ms: number) => Promise<void>;
  remainingMs?: () => number;
}): Parameters<typeof retryWithBackoff>[1] {
  return { attempts: 3, baseMs: 200, capMs: 2_000, sleep: deps.sleep, stop: createNoTimeToRetry(deps.remainingMs) };
}
