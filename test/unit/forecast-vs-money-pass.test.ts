import { forecastRenewals } from '../../lib/renewal/forecast';
import { fetchForecastQuotes } from '../../lib/renewal/forecast-quotes';
import { quoteOptionsOf } from '../../lib/renewal/pricing';
import { type Given, given } from '../helpers/builder';

/**
 * `autorenew forecast` shows "the renewals the renew job will buy under the policy and their cost". Checked against
 * the renew job itself, on the same registrar, policy and day: the forecast left out what the money pass decides per
 * domain (review 2026-12-07, twenty-fifth session).
 */
async function forecastOf(t: Given) {
  const domains = await t.registrar.listDomains({});
  const input = { domains, policy: t.policy, holds: [], nowMs: t.clock.now(), months: 3 };
  const { quotes, unusable } = await fetchForecastQuotes(
    t.registrar,
    domains,
    t.policy.money.currency,
    quoteOptionsOf(t.policy),
  );
  return forecastRenewals({ ...input, ...(quotes ? { quotes } : {}), ...(unusable ? { unusable } : {}) });
}

describe('forecast against what the renew job counts and buys', () => {
  test('money.unpriced "renew": each unpriced renewal counts at limits.maxPricePerDomain, as the job counts it', async () => {
    const t = await given({
      domains: ['a.com+10d'],
      balance: '400.00',
      policy: { money: { currency: 'CNY', unpriced: 'renew' }, limits: { maxPricePerDomain: '500' } },
    });
    t.registrar.faults.quotesRefused = true;
    const f = await forecastOf(t);
    const run = await t.renew();
    expect(run.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([['a.com', 'low-balance']]);
    expect(f.renewals.map((r) => [r.domain, r.source])).toEqual([['a.com', 'assumed']]);
    expect(f.total.minor).toBe(50_000);
  });

  test('money.unpriced "skip" (the default): an unpriced renewal is not bought, nor forecast', async () => {
    const t = await given({ domains: ['a.com+10d'], policy: { money: { currency: 'CNY' } } });
    t.registrar.faults.quotesRefused = true;
    const f = await forecastOf(t);
    const run = await t.renew();
    expect(run.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([['a.com', 'unpriced']]);
    expect(f.renewals.map((r) => r.domain)).toEqual([]);
    expect(f.skipped.map((s) => [s.domain, s.reason])).toEqual([['a.com', 'unpriced']]);
  });

  test('over limits.maxPricePerDomain: never bought, never forecast nor totalled', async () => {
    const t = await given({
      domains: ['a.com+10d'],
      policy: { money: { currency: 'CNY' }, limits: { maxPricePerDomain: '10' } },
    });
    const f = await forecastOf(t);
    const run = await t.renew();
    expect(run.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([['a.com', 'over-price']]);
    expect(f.renewals.map((r) => r.domain)).toEqual([]);
    expect(f.skipped.map((s) => [s.domain, s.reason])).toEqual([['a.com', 'over-price']]);
    expect(f.total.minor).toBe(0);
  });
});
