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

describe('a stated real-time price the tool cannot use is not replaced by CheckDomain static (ordinary) row', () => {
  test.each([
    ['Avail absent, with a price', { Action: 'renew', Period: 1, Price: 5000 }],
    ['not available, with a price', { Avail: 0, Action: 'renew', Period: 1, Price: 5000 }],
    ['Period 12 echoed', { Avail: 1, Action: 'renew', Period: 12, Price: 5000 }],
    ['Price "5,000.00"', { Avail: 1, Action: 'renew', Period: 1, Price: '5,000.00' }],
  ])('%s: a.com (registrar says 5000 CNY) is not bought at CheckDomain 69', async (_l, item) => {
    const t = await given({
      domains: ['a.com+5d'],
      balance: '100000',
      policy: { limits: { maxPricePerDomain: '100' } },
    });
    const run = await t.renew({ deps: { registrar: { ...t.registrar, quoteRenewals: scriptedQuotes(item) } } });
    const decision = run.plan.decisions.find((d) => d.domain.domainName === 'a.com');
    expect({
      bought: t.registrar.submissions().map((s) => s.domainName),
      reason: decision?.reason,
      price: decision?.price?.minor,
      source: decision?.priceSource,
    }).toEqual({ bought: [], reason: 'price-unusable', price: undefined, source: undefined });
  });
});
