import type { Registrar } from '../../lib/registrar/port';
import { forecastRenewals } from '../../lib/renewal/forecast';
import { fetchForecastQuotes } from '../../lib/renewal/forecast-quotes';
import { quoteOptionsOf } from '../../lib/renewal/pricing';
import { type Given, given } from '../helpers/builder';

/**
 * Review 2026-12-07, twenty-ninth session (of 0e3b48c): a name a price answer called premium without a usable price is skipped by the forecast
 * as the renew job skips it, but only under money.unpriced "skip" (the default). Under "renew" with
 * limits.allowPremium, forecast.ts buysUnpriced() does not know premiumSaid: the forecast lists it as bought at
 * limits.maxPricePerDomain ('assumed'), where the job's money pass skips it `unpriced` (a premium name's price is
 * unknowable: mayBePremium includes the answer's word).
 */
function premiumWithoutPrice(t: Given): Registrar {
  return {
    ...t.registrar,
    quoteRenewals: async () => ({
      quotes: [],
      unpriced: [{ domainName: 'a.com', why: 'premium name, no price stated (test)', premium: true as const }],
      unavailable: [],
    }),
  };
}

test('allowPremium with money.unpriced "renew": the forecast skips it as unpriced, as the renew job does', async () => {
  const t = await given({
    domains: ['a.com+10d'],
    policy: {
      limits: { allowPremium: true, maxPricePerDomain: '500' },
      money: { currency: 'CNY', unpriced: 'renew', priceTable: { com: '69.00' } },
    },
  });
  const registrar = premiumWithoutPrice(t);
  const domains = await t.registrar.listDomains({});
  const fetched = await fetchForecastQuotes(registrar, domains, 'CNY', quoteOptionsOf(t.policy));
  const f = forecastRenewals({ domains, policy: t.policy, holds: [], nowMs: t.clock.now(), months: 3, ...fetched });
  const run = await t.renew({ deps: { registrar } });
  expect(run.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([['a.com', 'unpriced']]);
  expect(t.registrar.submissions()).toEqual([]);
  expect({ renewals: f.renewals.map((r) => r.domain), skipped: f.skipped.map((s) => [s.domain, s.reason]) }).toEqual({
    renewals: [],
    skipped: [['a.com', 'unpriced']],
  });
});
