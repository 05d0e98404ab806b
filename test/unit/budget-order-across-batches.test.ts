import { executeRenew } from '../../lib/jobs';
import { spendBudgetName, utcDay, utcMonth } from '../../lib/renewal/budgets';
import { given } from '../helpers/builder';

/**
 * KNOWN, NOT FIXED (review 2026-12-07, twenty-seventh session; docs/design.md "Review ... twenty-seventh session"):
 * the ledger's budgets (the day's count, limits.maxSpendPerRun across the day, limits.maxSpendPerMonth) are taken
 * batch by batch in batch order; a coupon rule splits the run into batches whose order is that of their first domain,
 * so a batch's later domains come before the next batch's sooner ones. README "Money": "When the money does not cover
 * everything due, the run buys in priority order (soonest expiry first ...)"; M4: "over-cap domains are deferred and
 * reported, soonest expiry first". The domain held back is told (a will-lapse line: renew it by hand), not silent.
 * `test.failing`: these pass while the fault stands; the fix (the run's budget taken for all its batches at once, in
 * plan order, each batch then holding its share) makes them fail, and `.failing` is then removed.
 */
const names = (subs: { domainName: string }[]) => subs.map((s) => s.domainName).sort();

test.failing("the month's money left goes to the soonest expiries, whatever batch (coupon group) they are in", async () => {
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
  await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r' });
  // Soonest first: a.com (1 d) and b.com (2 d); z.com (20 d) fits December's budget (2026-12-01) in time.
  // On the current code z.com is bought and b.com, expiring 2026-12-01 06:00, is held to December and will lapse
  // ("renew it by hand"), while the money went to a renewal that had three weeks left.
  expect(names(t.registrar.submissions())).toEqual(['a.com', 'b.com']);
});

test.failing("the day's domain count left goes to the soonest expiries, whatever batch (coupon group) they are in", async () => {
  // The same split; an earlier run today used 1 of the 3 domains a day, so 2 are left for a.com, z.com and b.com.
  const t = await given({
    domains: ['a.com+1d', 'z.com+20d', 'b.com+2d'],
    policy: {
      rules: [{ name: 'promo', match: ['a.com', 'z.com'], coupon: 'C-1' }],
      limits: { maxDomainsPerRun: 3 },
    },
  });
  await t.ledger.takeBudget({ name: 'domains', period: utcDay(t.clock.now()), amount: 1, cap: 3, nowMs: 0 });
  const run = await t.renew();
  expect(names(t.registrar.submissions())).toEqual(['a.com', 'b.com']);
  expect(run.heldBack.map((h) => [h.decision.domain.domainName, h.limitedBy])).toEqual([['z.com', 'day-count']]);
});
