import { functionNodeOptions } from '../../bench/child';
import { checkSteps, criticalPathMs, renewSteps } from '../../bench/critical-path';
import { BALANCE, CONFIRM, DETAIL, LIST, minimumCalls, QUOTE, SUBMIT, TASK_LIST } from '../../bench/minimum';
import { parseBenchArgs } from '../../bench/options';
import { buildPortfolio } from '../../bench/portfolio';
import { InputError } from '../../lib/errors';
import { parsePolicyText } from '../../lib/policy/load';
import { listingWindow, planRenewals } from '../../lib/renewal/plan';

// Pure checks of the bench's own arithmetic (no servers): the minimum, the critical path and the portfolio.
describe('bench model', () => {
  it('counts the minimum per docs/design.md (Performance minimum), per coupon group', () => {
    // 1 000 renewals confirmed by two ranged listings of 845 and 1 500 domains: 9 + 15 more list pages.
    expect(
      minimumCalls({
        listed: 10_000,
        groups: [800, 200],
        pageSize: 100,
        maxBatchSize: 100,
        confirmation: { rangeSizes: [845, 1500], singles: 0 },
      }),
    ).toEqual({
      [LIST]: 124,
      [SUBMIT]: 10,
      [DETAIL]: 10,
      // The pre-flight: one task-list page, 1 000 / 20 price calls, one balance read.
      [TASK_LIST]: 1,
      [QUOTE]: 50,
      [BALANCE]: 1,
    });
    // Without a portfolio-specific plan: one listing returning exactly the 101 renewed domains (2 pages).
    expect(minimumCalls({ listed: 150, groups: [101], pageSize: 100, maxBatchSize: 1000 })).toEqual({
      [LIST]: 4,
      [SUBMIT]: 1,
      [DETAIL]: 1,
      [TASK_LIST]: 1,
      [QUOTE]: 6,
      [BALANCE]: 1,
    });
    // Small clusters are looked up one domain at a time.
    expect(
      minimumCalls({
        listed: 150,
        groups: [9],
        pageSize: 100,
        maxBatchSize: 100,
        confirmation: { rangeSizes: [], singles: 9 },
      }),
    ).toEqual({
      [LIST]: 2,
      [SUBMIT]: 1,
      [DETAIL]: 1,
      [CONFIRM]: 9,
      [TASK_LIST]: 1,
      [QUOTE]: 1,
      [BALANCE]: 1,
    });
    // Nothing due: no pre-flight reads at all.
    expect(minimumCalls({ listed: 0, groups: [], pageSize: 100, maxBatchSize: 100 })).toEqual({
      [LIST]: 1,
      [SUBMIT]: 0,
      [DETAIL]: 0,
    });
  });

  it('replays the ideal schedule: latency-bound without a budget, budget-bound with one', () => {
    // 9 pages, 4 in flight, 100 ms each: page 1, then ceil(8 / 4) = 2 rounds.
    expect(criticalPathMs(renewSteps(9, 0, 4), { latencyMs: 100, qps: Number.POSITIVE_INFINITY })).toBe(300);
    // 10 calls/s, 50 ms latency: a chain of K calls takes 50 + (K - 1) * 100 ms.
    expect(criticalPathMs(checkSteps(2, 10), { latencyMs: 50, qps: 10 })).toBe(50 + 11 * 100);
    // 100 pages at 10 calls/s: the budget dominates (about 10 s), concurrency cannot help.
    expect(criticalPathMs(renewSteps(100, 0, 4), { latencyMs: 50, qps: 10 })).toBe(99 * 100 + 50);
    expect(criticalPathMs([], { latencyMs: 50, qps: 10 })).toBe(0);
  });

  it('generates a portfolio whose plan matches its declared counts', () => {
    const nowMs = Date.UTC(2026, 0, 15);
    const p = buildPortfolio(nowMs, 1000);
    const policy = parsePolicyText(p.policyText, 'bench-policy.json');
    const window = listingWindow(policy, nowMs);
    const listed = p.fixture.domains.filter((d) => d.expiresAtMs >= window.fromMs && d.expiresAtMs <= window.toMs);
    expect(listed).toHaveLength(1000);
    expect(p.fixture.domains).toHaveLength(2000);
    const plan = planRenewals({
      domains: listed.map((d) => ({ ...d, instanceId: d.domainName, standing: 'normal' as const, premium: false })),
      policy,
      inFlight: new Map(),
      nowMs,
    });
    expect(plan.totals.renew).toBe(100);
    expect(plan.batches.map((b) => b.items.length).sort((a, b) => b - a)).toEqual([80, 20]);
    expect(p).toMatchObject({ renew: { total: 100, plain: 60, brand: 20, coupon: 20 }, lapsed: 20, notDue: 880 });
  });

  it('parses flags and names a bad one', () => {
    const o = parseBenchArgs(['--sizes', '100,1000', '--latency-ms', '0', '--qps', '50', '--no-bundles', '--out', '-']);
    expect(o).toMatchObject({ sizes: [100, 1000], latencyMs: 0, qps: 50, bundles: false, baseline: true });
    expect(o.out).toBeUndefined();
    expect(() => parseBenchArgs(['--qps', '0'])).toThrow(InputError);
    expect(() => parseBenchArgs(['--qps', '0'])).toThrow(/--qps must be a number from 0.1/);
    expect(() => parseBenchArgs(['--fast'])).toThrow(/unknown flag --fast/);
    expect(parseBenchArgs(['--ledger-latency-ms', '5']).ledgerLatencyMs).toBe(5);
    expect(() => parseBenchArgs(['--ledger-latency-ms', '-1'])).toThrow(/--ledger-latency-ms must be a number from 0/);
  });

  it("runs each job process with its function's NODE_OPTIONS from serverless.yml", () => {
    const yml = [
      'provider:',
      '  environment:',
      '    NODE_OPTIONS: --enable-source-maps',
      'functions:',
      '  renew:',
      '    environment:',
      '      NODE_OPTIONS: --enable-source-maps --max-semi-space-size=1',
      '    memorySize: 512',
      '  check:',
      '    memorySize: 256',
    ].join('\n');
    expect(functionNodeOptions('renew', yml)).toEqual(['--enable-source-maps', '--max-semi-space-size=1']);
    expect(functionNodeOptions('check', yml)).toEqual(['--enable-source-maps']);
    // The real file: both functions carry the heap flags the bench measured (see the comment there).
    for (const fn of ['renew', 'check'] as const) expect(functionNodeOptions(fn)).toContain('--max-semi-space-size=4');
  });
});
