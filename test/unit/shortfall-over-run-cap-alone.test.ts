import { given } from '../helpers/builder';

/**
 * Review 2026-12-07, twenty-ninth session (of 4d593ef): the shortfall behind TopUpNeeded now counts every `over-spend` deferral. A renewal whose
 * price alone is over limits.maxSpendPerRun is never bought by any run (deferred `over-spend` every day until it
 * lapses; the schema does not tie maxPricePerDomain to maxSpendPerRun), yet it is counted: TopUpNeeded fires, the
 * person tops up, and nothing is bought. Like an over-price renewal (dbb30a2), it should be left out.
 */
test('a renewal that alone costs more than maxSpendPerRun, never bought, asks for no top-up', async () => {
  // a.com: 69 x 2 years = 138 against a run cap of 100: no run ever buys it. b.com (69) is announced.
  const t = await given({
    domains: ['a.com+5d', 'b.com+35d'],
    balance: 150,
    policy: {
      notify: { advanceDays: 7 },
      limits: { maxSpendPerRun: '100', maxPricePerDomain: '200' },
      rules: [{ name: 'two', match: ['a.com'], years: 2 }],
    },
  });
  const due = await t.renew();
  expect(due.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([
    ['a.com', 'over-cap'],
    ['b.com', 'not-due'],
  ]);
  expect(due.plan.upcoming.map((u) => [u.domain.domainName, u.price?.minor])).toEqual([['b.com', 6900]]);
  // Topped up: still not bought, the next day or any day.
  t.billing!.cash = { minor: 100_000, currency: 'CNY' };
  t.advance('1d');
  const later = await t.renew();
  expect(later.plan.decisions.find((d) => d.domain.domainName === 'a.com')?.reason).toBe('over-cap');
  expect(t.registrar.submissions().filter((s) => s.domainName === 'a.com')).toEqual([]);
  // Yet the run before the top-up asked for one: 138 (a.com, never bought) + 69 (b.com) against 150.
  expect(due.plan.money?.shortfall).toEqual({ minor: 0, currency: 'CNY' });
});
