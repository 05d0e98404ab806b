import { computeBackoffMs, parseRetryAfterMs } from '../../lib/alibaba/backoff';
import { createRateLimiter } from '../../lib/alibaba/rate-limit';

describe('backoff', () => {
  it('grows exponentially with full jitter up to the cap', () => {
    expect(computeBackoffMs(1, () => 0.999999, undefined)).toBe(199);
    expect(computeBackoffMs(2, () => 0.999999, undefined)).toBe(399);
    expect(computeBackoffMs(10, () => 0.999999, undefined)).toBe(4999);
    expect(computeBackoffMs(3, () => 0, undefined)).toBe(0);
  });

  it('honours x-acs-retry-after (ms) as a floor, capped', () => {
    expect(computeBackoffMs(1, () => 0, 1500)).toBe(1500);
    expect(computeBackoffMs(1, () => 0, 10 * 60_000)).toBe(30_000);
    expect(parseRetryAfterMs(' 2000 ')).toBe(2000);
    expect(parseRetryAfterMs('0')).toBeUndefined();
    expect(parseRetryAfterMs('soon')).toBeUndefined();
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
  });
});

describe('rate limiter', () => {
  it('spaces concurrent callers 1000/qps ms apart on a shared clock', async () => {
    let t = 0;
    const waits: number[] = [];
    const sleepRecorder = createRateLimiter(
      10,
      () => t,
      async (ms) => {
        waits.push(ms);
      },
    );
    await Promise.all(Array.from({ length: 5 }, () => sleepRecorder.acquire()));
    expect(waits).toEqual([100, 200, 300, 400]);
    t = 1000; // idle for a while: no wait, no burst credit beyond one call
    waits.length = 0;
    await sleepRecorder.acquire();
    await sleepRecorder.acquire();
    expect(waits).toEqual([100]);
  });

  it('rejects a non-positive budget', () => {
    expect(() =>
      createRateLimiter(
        0,
        () => 0,
        async () => {},
      ),
    ).toThrow(RangeError);
  });
});
