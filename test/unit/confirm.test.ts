import { CONFIRM_RANGE_SLACK_MS, planConfirmation } from '../../lib/renewal/confirm-expiry';

const DAY_MS = 86_400_000;
const T = Date.UTC(2026, 11, 1);

function entries(prefix: string, count: number, firstExpiry: number, stepDays: number, years: number) {
  return Array.from({ length: count }, (_, i) => ({
    domain: `${prefix}${i}.com`,
    expiryMs: firstExpiry + i * stepDays * DAY_MS,
    years,
  }));
}

describe('planConfirmation: how check reads back renewed expiries', () => {
  it('a few renewals: one look-up each', () => {
    const plan = planConfirmation(entries('a', 9, T, 1, 1));
    expect(plan.ranges).toEqual([]);
    expect(plan.singles).toHaveLength(9);
  });

  it('ten or more with close new expiries: one ranged listing around old expiry + years (± slack)', () => {
    const plan = planConfirmation(entries('a', 10, T, 1, 1));
    expect(plan.singles).toEqual([]);
    expect(plan.ranges).toHaveLength(1);
    expect(plan.ranges[0]?.fromMs).toBe(Date.UTC(2027, 11, 1) - CONFIRM_RANGE_SLACK_MS);
    expect(plan.ranges[0]?.toMs).toBe(Date.UTC(2027, 11, 10) - 0 + CONFIRM_RANGE_SLACK_MS);
  });

  it('one- and two-year renewals make separate ranges; a small far cluster stays single look-ups', () => {
    const plan = planConfirmation([
      ...entries('one', 12, T, 2, 1),
      ...entries('two', 15, T, 1, 2),
      ...entries('x', 3, T, 0, 5),
    ]);
    expect(plan.ranges.map((r) => r.entries.length)).toEqual([12, 15]);
    expect(plan.ranges[0]?.toMs).toBeLessThan(plan.ranges[1]?.fromMs ?? 0);
    expect(plan.singles.map((e) => e.domain)).toEqual(['x0.com', 'x1.com', 'x2.com']);
  });

  it('a gap of more than 7 days between neighbours splits a range', () => {
    const near = entries('n', 10, T, 1, 1);
    const far = entries('f', 10, T + 30 * DAY_MS, 1, 1);
    expect(planConfirmation([...far, ...near]).ranges.map((r) => r.entries[0]?.domain)).toEqual(['n0.com', 'f0.com']);
  });
});
