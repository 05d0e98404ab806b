import { given } from '../helpers/builder';

/**
 * Review 2026-12-07 (the prices review of the twenty-eighth session, fixed in the twenty-ninth): the shortfall behind
 * the TopUpNeeded alarm ("what the balance lacks to cover everything due now", PlanMoney.shortfall) left out what
 * limits.maxSpendPerRun defers to later runs: those are due and bought on the next days from the same balance, and
 * the top-up was asked for only once the cap let them through and the balance refused them.
 */
test('renewals deferred by maxSpendPerRun count in the shortfall', async () => {
  // a-c.com due, 69 CNY each; 100 per run; the balance 150 covers two of them, not three.
  const t = await given({
    domains: ['a.com+5d', 'b.com+6d', 'c.com+7d'],
    balance: 150,
    policy: { limits: { maxSpendPerRun: '100', maxPricePerDomain: '100' } },
  });
  const run = await t.renew();
  expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.com']);
  // Each alone fits the balance after a.com: deferred for the cap, not the balance.
  expect(run.plan.decisions.filter((d) => d.action === 'skip').map((d) => [d.domain.domainName, d.reason])).toEqual([
    ['b.com', 'over-spend'],
    ['c.com', 'over-spend'],
  ]);
  // 3 x 69 against 150.
  expect(run.plan.money?.shortfall).toEqual({ minor: 5700, currency: 'CNY' });
});

test('nothing deferred and the balance covers it: no shortfall', async () => {
  const t = await given({
    domains: ['a.com+5d', 'b.com+6d'],
    balance: 500,
    policy: { limits: { maxSpendPerRun: '100', maxPricePerDomain: '100' } },
  });
  const run = await t.renew();
  expect(run.plan.money?.shortfall).toEqual({ minor: 0, currency: 'CNY' });
});
