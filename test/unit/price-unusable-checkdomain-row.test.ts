import type { Caller, CallSpec } from '../../lib/alibaba/call';
import { quoteRenewals } from '../../lib/alibaba/quotes';
import type { Registrar } from '../../lib/registrar/port';
import { given } from '../helpers/builder';

/**
 * Review 2026-12-07 (twenty-eighth session, prices helper). README "Money": a domain "the registrar priced in a way that cannot be used (`price-unusable`:
 * never from the table, never unpriced)"; docs/design.md calls CheckDomain's StaticPriceInfo row "the ordinary price
 * as the table's is". A real-time answer stating 5 000 CNY that the tool cannot use (Avail absent or 0, Period 12,
 * Action activate) marks a.com suspect so the table's ordinary 69 cannot stand in for it (price-unusable-echo.test.ts,
 * which refuses CheckDomain). When CheckDomain does answer, its static (ordinary) renew row of 69 CNY prices the
 * name instead: the suspect mark is dropped (quotes.ts settle), and a.com passes maxPricePerDomain 100 and is bought.
 * Now the row prices such a name only at no less than a one-year renew price stated with just Avail amiss (review of
 * the fix: were Avail 0 to mean "registered", every owned name would have been unusable and nothing bought).
 */

function scriptedQuotes(item: Record<string, unknown>): NonNullable<Registrar['quoteRenewals']> {
  return async (items, currency) => {
    const caller: Caller = {
      async call<T>(spec: CallSpec<T>): Promise<T> {
        if (spec.action === 'QueryDomainRealTimePrice')
          return spec.parse({
            RequestId: 'R1',
            Success: true,
            Module: { DomainPrices: [{ DomainName: 'a.com', Currency: 'CNY', ...item }] },
          });
        // CheckDomain FeeCommand=renew: the TLD's ordinary (static) renew row, as for any .com.
        return spec.parse({
          RequestId: 'R2',
          DomainName: 'a.com',
          Avail: '0',
          Premium: 'false',
          Reason: 'In use',
          StaticPriceInfo: {
            PriceInfo: [
              { action: 'activate', money: 69, period: 12 },
              { action: 'renew', money: 69, period: 12 },
            ],
          },
        });
      },
    };
    return quoteRenewals(caller, items, currency, { chunkSize: 20, realTimePrice: true });
  };
}

async function renewWithQuotes(item: Record<string, unknown>) {
  const t = await given({
    domains: ['a.com+5d'],
    balance: '100000',
    policy: { limits: { maxPricePerDomain: '100' } },
  });
  const run = await t.renew({ deps: { registrar: { ...t.registrar, quoteRenewals: scriptedQuotes(item) } } });
  const decision = run.plan.decisions.find((d) => d.domain.domainName === 'a.com');
  return {
    bought: t.registrar.submissions().map((s) => s.domainName),
    reason: decision?.reason,
    price: decision?.price?.minor,
    source: decision?.priceSource,
  };
}

describe('a stated real-time price the tool cannot use is not replaced by CheckDomain static (ordinary) row', () => {
  test.each([
    ['Period 12 echoed', { Avail: 1, Action: 'renew', Period: 12, Price: 5000 }],
    ['Price "5,000.00"', { Avail: 1, Action: 'renew', Period: 1, Price: '5,000.00' }],
  ])('%s: a.com (registrar says 5000 CNY) is not bought at CheckDomain 69', async (_l, item) => {
    expect(await renewWithQuotes(item)).toEqual({
      bought: [],
      reason: 'price-unusable',
      price: undefined,
      source: undefined,
    });
  });

  // Only Avail amiss (its meaning is UNCONFIRMED): the stated one-year price is the floor of CheckDomain's row.
  test.each([
    ['Avail absent, with a price', { Action: 'renew', Period: 1, Price: 5000 }],
    ['not available, with a price', { Avail: 0, Action: 'renew', Period: 1, Price: 5000 }],
  ])('%s: a.com is priced at the stated 5000 CNY, over maxPricePerDomain, not bought', async (_l, item) => {
    expect(await renewWithQuotes(item)).toEqual({
      bought: [],
      reason: 'over-price',
      price: 500_000,
      source: 'checkdomain',
    });
  });

  test('Avail 0 with the ordinary price stated (should Avail 0 mean "registered"): priced and bought as before', async () => {
    expect(await renewWithQuotes({ Avail: 0, Action: 'renew', Period: 1, Price: 69 })).toEqual({
      bought: ['a.com'],
      reason: 'due',
      price: 6900,
      source: 'checkdomain',
    });
  });
});
