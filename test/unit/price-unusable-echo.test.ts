import type { Caller, CallSpec } from '../../lib/alibaba/call';
import { quoteRenewals } from '../../lib/alibaba/quotes';
import type { Registrar } from '../../lib/registrar/port';
import { given } from '../helpers/builder';

/**
 * Review 2026-12-07. A real-time price answer the tool will not use (a Period or Action other than the one asked for,
 * or not available) still states what the registrar charges for the name. README (Money, Prices): a domain "the
 * registrar priced in a way that cannot be used (`price-unusable`: never from the table, never unpriced)". Here the
 * registrar's only answer for a.com says 5 000 CNY, far over limits.maxPricePerDomain (100); the policy table's
 * ordinary .com price (69) stood in for it, and a.com was bought.
 */

/** The real quote reader (lib/alibaba/quotes.ts) over a scripted Domain API: one real-time answer, CheckDomain refused. */
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
        // CheckDomain: refused for this key (InvalidAction): the source is skipped.
        return spec.parse({ RequestId: 'R2', Success: false, ErrorCode: 'InvalidAction', ErrorMsg: 'not here' });
      },
    };
    return quoteRenewals(caller, items, currency, { chunkSize: 20, realTimePrice: true });
  };
}

describe('a stated price the tool cannot use is not replaced by the policy table', () => {
  test.each([
    ['Period 12 echoed (months?)', { Avail: 1, Action: 'renew', Period: 12, Price: 5000 }, 'price-unusable'],
    ['Action activate echoed', { Avail: 1, Action: 'activate', Period: 1, Price: 5000 }, 'price-unusable'],
    ['not available, with a price', { Avail: 0, Action: 'renew', Period: 1, Price: 5000 }, 'price-unusable'],
  ])('%s: a.com (registrar says 5000 CNY) is not bought at the table price 69', async (_l, item, reason) => {
    const t = await given({
      domains: ['a.com+5d'],
      balance: '100000',
      policy: { money: { priceTable: { com: '69.00' } }, limits: { maxPricePerDomain: '100' } },
    });
    const run = await t.renew({ deps: { registrar: { ...t.registrar, quoteRenewals: scriptedQuotes(item) } } });
    const decision = run.plan.decisions.find((d) => d.domain.domainName === 'a.com');
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual([]);
    expect(decision?.reason).toBe(reason);
  });

  test('control: an answer that states no price leaves the table to price it', async () => {
    const t = await given({
      domains: ['a.com+5d'],
      balance: '100000',
      policy: { money: { priceTable: { com: '69.00' } }, limits: { maxPricePerDomain: '100' } },
    });
    await t.renew({
      deps: { registrar: { ...t.registrar, quoteRenewals: scriptedQuotes({ Avail: 0, Reason: 'not available' }) } },
    });
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.com']);
  });
});
