import type { Caller, CallSpec } from '../../lib/alibaba/call';
import { quoteRenewals } from '../../lib/alibaba/quotes';
import type { Registrar } from '../../lib/registrar/port';
import { given } from '../helpers/builder';

/**
 * A real-time price answer stating a price with no `Avail` field. It was read as "an answer that says nothing", so the
 * policy table's ordinary price stood in for the 5 000 CNY the registrar stated (the case the 2026-12-07 fix closed
 * for Avail 0, Period 12 and Action activate: a price stated but not usable is still what the registrar says the name
 * costs). Whether live answers always carry Avail is UNCONFIRMED (alibaba-preflight-apis.md); the SDK model has it
 * optional (review 2026-12-07, twenty-sixth session).
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
        return spec.parse({ RequestId: 'R2', Success: false, ErrorCode: 'InvalidAction', ErrorMsg: 'not here' });
      },
    };
    return quoteRenewals(caller, items, currency, { chunkSize: 20, realTimePrice: true });
  };
}

describe('a real-time answer stating a price without Avail', () => {
  const policy = { money: { priceTable: { com: '69.00' } }, limits: { maxPricePerDomain: '100' } };

  test('a.com (registrar says 5000 CNY) is not bought at the table price 69 under maxPricePerDomain 100', async () => {
    const t = await given({ domains: ['a.com+5d'], balance: '100000', policy });
    const item = { Action: 'renew', Period: 1, Price: 5000 };
    const run = await t.renew({ deps: { registrar: { ...t.registrar, quoteRenewals: scriptedQuotes(item) } } });
    const decision = run.plan.decisions.find((d) => d.domain.domainName === 'a.com');
    expect({ bought: t.registrar.submissions().map((s) => s.domainName), reason: decision?.reason }).toEqual({
      bought: [],
      reason: 'price-unusable',
    });
  });

  test('an answer with neither Price nor Avail says nothing: the table prices the name', async () => {
    const t = await given({ domains: ['a.com+5d'], balance: '100000', policy });
    const item = { Action: 'renew', Period: 1 };
    await t.renew({ deps: { registrar: { ...t.registrar, quoteRenewals: scriptedQuotes(item) } } });
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.com']);
  });
});
