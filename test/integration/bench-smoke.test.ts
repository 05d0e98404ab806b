import { runBench } from '../../bench/bench';
import { DETAIL, LIST, SUBMIT, SUBMIT_SINGLE } from '../../bench/minimum';
import { DEFAULT_OPTIONS } from '../../bench/options';

describe('bench smoke (N = 100, no latency)', () => {
  it('runs the real jobs and the naive baseline with exactly the minimum calls', async () => {
    const started = Date.now();
    const report = await runBench({
      ...DEFAULT_OPTIONS,
      sizes: [100],
      latencyMs: 0,
      qps: 10_000,
      bundles: false,
    });
    const elapsedMs = Date.now() - started;
    expect(elapsedMs).toBeLessThan(10_000);

    const [size] = report.sizes;
    if (!size) throw new Error('no size reported');
    // 10 renewals: 6 plain + 2 brand in the no-coupon group, 2 in the *.cn coupon group.
    expect(size.portfolio).toMatchObject({ listed: 100, renewals: 10, byGroup: [8, 2], lapsed: 2, notDue: 88 });
    // Check confirms the 10 renewals with one ranged listing (new expiries span ~1-3 years out, which also holds
    // most of the account's 100 unlisted far-future domains): 2 pages on top of renew's 1, no single look-ups.
    expect(size.job.expected).toEqual({ [LIST]: 3, [SUBMIT]: 2, [DETAIL]: 2 });
    expect(size.job.calls).toEqual(size.job.expected);
    expect(size.acceptance.callsAtMinimum).toBe(true);
    expect(size.acceptance.allRenewed).toBe(true);
    expect(size.job.problems).toEqual([]);
    expect(size.job.peakRssMb).toBeGreaterThan(20);

    expect(size.baseline?.calls).toEqual({ [LIST]: 1, [SUBMIT_SINGLE]: 10, [DETAIL]: 10 });
    expect(size.baseline?.renewed).toBe(10);
    expect(size.baseline?.sandboxRenewals).toBe(10);
  }, 20_000);
});
