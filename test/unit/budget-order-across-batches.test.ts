import { executeRenew } from '../../lib/jobs';
import { DOMAIN_BUDGET, spendBudgetName, utcDay, utcMonth } from '../../lib/renewal/budgets';
import { given } from '../helpers/builder';

/**
 * The ledger's budgets (the day's count, limits.maxSpendPerRun across the day, limits.maxSpendPerMonth) are taken
 * batch by batch; a coupon rule splits the run into batches whose order is that of their first domain, so a batch's
 * later domains come before the next batch's sooner ones. Each batch's budget is therefore taken together with the
 * later batches' sooner expiries, in plan order, and their part given back for their own batch (budgets.ts
 * selectOutranking). README "Money": "When the money does not cover everything due, the run buys in priority order
 * (soonest expiry first ...)"; M4: "over-cap domains are deferred and reported, soonest expiry first". Found by the
 * budgets review of 2026-12-07 (twenty-seventh session), fixed in the twenty-eighth.
 */
const names = (subs: { domainName: string }[]) => subs.map((s) => s.domainName).sort();

test("the month's money left goes to the soonest expiries, whatever batch (coupon group) they are in", async () => {
  // 2026-11-29 06:00. a.com (1 day) and z.com (20 days) share a coupon rule, so they are one batch, sent first;
  // b.com (2 days, no coupon) is the second batch. 138 CNY (two .com renewals) are left this month.
  const t = await given({
    domains: ['a.com+1d', 'z.com+20d', 'b.com+2d'],
    policy: {
      rules: [{ name: 'promo', match: ['a.com', 'z.com'], coupon: 'C-1' }],
      limits: { maxSpendPerMonth: '1000' },
    },
  });
  const period = utcMonth(t.clock.now());
  await t.ledger.takeBudget({ name: spendBudgetName('CNY'), period, amount: 86_200, cap: 100_000, nowMs: 0 });
  const run = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r' });
  // Soonest first: a.com (1 d) and b.com (2 d); z.com (20 d) fits December's budget (2026-12-01) in time. Before,
  // z.com was bought and b.com, expiring 2026-12-01 06:00, was held to December and would lapse.
  expect(names(t.registrar.submissions())).toEqual(['a.com', 'b.com']);
  expect(run.heldBack.map((h) => [h.decision.domain.domainName, h.limitedBy])).toEqual([['z.com', 'month-spend']]);
  // b.com's share, taken with the first batch and given back, was taken again by its own batch: the month is spent
  // exactly, nothing leaked either way.
  expect(await t.ledger.takeBudget({ name: spendBudgetName('CNY'), period, amount: 1, cap: 100_000, nowMs: 0 })).toBe(
    0,
  );
});

test("the day's domain count left goes to the soonest expiries, whatever batch (coupon group) they are in", async () => {
  // The same split; an earlier run today used 1 of the 3 domains a day, so 2 are left for a.com, z.com and b.com.
  const t = await given({
    domains: ['a.com+1d', 'z.com+20d', 'b.com+2d'],
    policy: {
      rules: [{ name: 'promo', match: ['a.com', 'z.com'], coupon: 'C-1' }],
      limits: { maxDomainsPerRun: 3 },
    },
  });
  const day = utcDay(t.clock.now());
  await t.ledger.takeBudget({ name: DOMAIN_BUDGET, period: day, amount: 1, cap: 3, nowMs: 0 });
  const run = await t.renew();
  expect(names(t.registrar.submissions())).toEqual(['a.com', 'b.com']);
  expect(run.heldBack.map((h) => [h.decision.domain.domainName, h.limitedBy])).toEqual([['z.com', 'day-count']]);
  expect(await t.ledger.takeBudget({ name: DOMAIN_BUDGET, period: day, amount: 1, cap: 3, nowMs: 0 })).toBe(0);
});

test('a count that cut a batch goes on to the later batches it let through, early or not, then stops', async () => {
  // Three batches: [a 1d, y 20d] (coupon C-1), [b 2d, w 25d] (no coupon), [c 3d] (coupon C-2). 3 of 5 left today.
  // The first batch's take serves a, b and c and cuts y; the second's (taken early, while the first is sent) serves
  // b and c and cuts w; the third's serves c. Before, the run stopped at the first batch: b and c were held back.
  const t = await given({
    domains: ['a.com+1d', 'y.com+20d', 'b.com+2d', 'w.com+25d', 'c.com+3d'],
    policy: {
      rules: [
        { name: 'promo', match: ['a.com', 'y.com'], coupon: 'C-1' },
        { name: 'promo2', match: ['c.com'], coupon: 'C-2' },
      ],
      limits: { maxDomainsPerRun: 5 },
    },
  });
  const day = utcDay(t.clock.now());
  await t.ledger.takeBudget({ name: DOMAIN_BUDGET, period: day, amount: 2, cap: 5, nowMs: 0 });
  const run = await t.renew();
  expect(run.plan.batches.map((b) => b.items.map((d) => d.domain.domainName))).toEqual([
    ['a.com', 'y.com'],
    ['b.com', 'w.com'],
    ['c.com'],
  ]);
  expect(names(t.registrar.submissions())).toEqual(['a.com', 'b.com', 'c.com']);
  expect(run.heldBack.map((h) => [h.decision.domain.domainName, h.limitedBy])).toEqual([
    ['y.com', 'day-count'],
    ['w.com', 'day-count'],
  ]);
  expect(run.summary.overBudget).toBe(2);
  expect(await t.ledger.takeBudget({ name: DOMAIN_BUDGET, period: day, amount: 1, cap: 5, nowMs: 0 })).toBe(0);
});
