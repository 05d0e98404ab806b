import { runBench } from '../../bench/bench';
import { BALANCE, CONFIRM, DETAIL, LIST, QUOTE, SUBMIT, SUBMIT_SINGLE, TASK_LIST } from '../../bench/minimum';
import { DEFAULT_OPTIONS } from '../../bench/options';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Bundles the job for a child process and forks it twice (job and baseline): sized for a loaded machine.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

// Functional only: how long the run takes is the bench's business (`npm run bench` checks wall time against the
// critical path, and the budgets of bench/budgets.ts), never a limit inside `npm test`.
describe('bench smoke (N = 100, no latency)', () => {
  it('runs the real jobs and the naive baseline with exactly the minimum calls', async () => {
    const report = await runBench({
      ...DEFAULT_OPTIONS,
      sizes: [100],
      latencyMs: 0,
      qps: 10_000,
      bundles: false,
      budgets: false,
      repeat: 2,
    });

    // Already without a call budget (QPS 10 000): no second pass.
    expect(report.unbudgeted).toBeUndefined();
    const [size] = report.sizes;
    if (!size) throw new Error('no size reported');
    // 10 renewals: 6 plain + 2 brand in the no-coupon group, 2 in the *.cn coupon group.
    expect(size.portfolio).toMatchObject({ listed: 100, renewals: 10, byGroup: [8, 2], lapsed: 2, notDue: 88 });
    // The 10 renewals' new expiries form clusters smaller than 10 (8 one-year, 2 two-year), so check confirms
    // each with its own QueryDomainByDomainName rather than a ranged listing.
    // Before buying: one task-list page, one price call (10 domains, 20 per call) and one balance read.
    expect(size.job.expected).toEqual({
      [LIST]: 1,
      [SUBMIT]: 2,
      [DETAIL]: 2,
      [CONFIRM]: 10,
      [TASK_LIST]: 1,
      [QUOTE]: 1,
      [BALANCE]: 1,
    });
    expect(size.job.calls).toEqual(size.job.expected);
    expect(size.acceptance.callsAtMinimum).toBe(true);
    expect(size.acceptance.allRenewed).toBe(true);
    // Two job runs; the one reported is among them (the faster, with two).
    expect(size.repeats).toHaveLength(2);
    expect(size.repeats?.[0]?.wallOverCriticalPath).toBe(size.job.wallOverCriticalPath);
    expect(size.job.problems).toEqual([]);
    expect(size.job.peakRssMb).toBeGreaterThan(20);

    expect(size.baseline?.calls).toEqual({ [LIST]: 1, [SUBMIT_SINGLE]: 10, [DETAIL]: 10 });
    expect(size.baseline?.renewed).toBe(10);
    expect(size.baseline?.sandboxRenewals).toBe(10);
  });

  it('measures every size again without a call budget when the run has one', async () => {
    const report = await runBench({
      ...DEFAULT_OPTIONS,
      sizes: [100],
      latencyMs: 0,
      qps: 100,
      baseline: false,
      bundles: false,
      budgets: false,
      repeat: 1,
    });
    expect(report.unbudgeted?.qps).toBe(1000);
    const [size] = report.unbudgeted?.sizes ?? [];
    expect(size?.job.calls).toEqual(size?.job.expected);
    expect(size?.acceptance.allRenewed).toBe(true);
    expect(size?.baseline).toBeUndefined();
  });
});
