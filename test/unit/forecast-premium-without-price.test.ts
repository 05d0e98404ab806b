import type { Registrar } from '../../lib/registrar/port';
import { forecastRenewals } from '../../lib/renewal/forecast';
import { fetchForecastQuotes } from '../../lib/renewal/forecast-quotes';
import { quoteOptionsOf } from '../../lib/renewal/pricing';
import { type Given, given } from '../helpers/builder';

/**
 * Review 2026-12-07 (the prices review of the twenty-eighth session, fixed in the twenty-ninth): a price answer that
 * called a name premium without a usable price (its listing said nothing of premium) was priced from money.priceTable
 * by `autorenew forecast`, listed and totalled as a purchase, where the renew job never buys it: `premium` without
 * limits.allowPremium, `unpriced` with it (a premium name's price is unknowable from the table).
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

async function forecastOf(t: Given, registrar: Registrar) {
  const domains = await t.registrar.listDomains({});
  const input = { domains, policy: t.policy, holds: [], nowMs: t.clock.now(), months: 3 };
  const fetched = await fetchForecastQuotes(registrar, domains, t.policy.money.currency, quoteOptionsOf(t.policy));
  return forecastRenewals({ ...input, ...fetched });
}

test.each([
  [false, 'skip', 'premium'],
  [true, 'skip', 'unpriced'],
  // The review of the fix: under money.unpriced "renew" the forecast bought it at maxPricePerDomain (buysUnpriced).
  [true, 'renew', 'unpriced'],
] as const)(
  'allowPremium %s, money.unpriced %s: the forecast skips it as %s, as the renew job does',
  async (allowPremium, unpriced, reason) => {
    // The table prices a .com: a standard name's price, not a premium one's.
    const t = await given({
      domains: ['a.com+10d'],
      policy: {
        limits: { allowPremium, maxPricePerDomain: '500' },
        money: { currency: 'CNY', unpriced, priceTable: { com: '69.00' } },
      },
    });
    const registrar = premiumWithoutPrice(t);
    const f = await forecastOf(t, registrar);
    const run = await t.renew({ deps: { registrar } });
    expect(run.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([['a.com', reason]]);
    expect(t.registrar.submissions()).toEqual([]);
    expect(f.renewals.map((r) => r.domain)).toEqual([]);
    expect(f.skipped.map((s) => [s.domain, s.reason])).toEqual([['a.com', reason]]);
    expect(f.total.minor).toBe(0);
  },
);
