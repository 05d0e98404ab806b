import { executeRenew } from '../../lib/jobs';
import type { DomainOutcome } from '../../lib/notify/port';
import { given } from '../helpers/builder';

/**
 * Review 2026-12-07, twenty-ninth session (third round): "a renewal that alone costs more than maxSpendPerRun (never bought by any run)" is left
 * out of the shortfall now; one that alone costs more than limits.maxSpendPerMonth is never bought either (the month
 * budget refuses it in every month), yet it is deferred for the balance with "top up", counted in the shortfall behind
 * TopUpNeeded, and once topped up told every day "the first run of next month buys it".
 */
test('a renewal that alone costs more than maxSpendPerMonth, never bought, asks for no top-up', async () => {
  // a.com: 69 x 2 years = 138 against a month cap of 100: no run of any month buys it.
  const t = await given({
    domains: ['a.com+25d'],
    balance: 100,
    policy: { limits: { maxSpendPerMonth: '100' }, rules: [{ name: 'two', match: ['a.com'], years: 2 }] },
  });
  const first = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'n1' });
  // Topped up as asked; the next month's runs: never bought.
  t.billing!.cash = { minor: 1_000_000, currency: 'CNY' };
  const lines: DomainOutcome[] = [];
  for (let day = 1; day <= 5; day++) {
    t.advance('1d');
    t.notifier.sent.length = 0;
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: `n${day + 1}` });
    lines.push(...t.notifier.sent.flatMap((m) => m.digest?.outcomes ?? []));
  }
  expect(t.registrar.submissions()).toEqual([]);
  expect({
    shortfall: first.plan.money?.shortfall,
    topUp: first.plan.money?.deferred?.topUp,
    nextMonthBuysIt: lines.some((o) => /first run of next month buys it/.test(o.reason ?? '')),
  }).toEqual({ shortfall: { minor: 0, currency: 'CNY' }, topUp: undefined, nextMonthBuysIt: false });
});
