import type { Caller, CallSpec } from '../../lib/alibaba/call';
import { quoteRenewals } from '../../lib/alibaba/quotes';
import { given } from '../helpers/builder';

/**
 * Review 2026-12-06 (round 8, budgets): QueryDomainRealTimePrice answers are only used when they are about the name asked and say
 * one thing (a name priced twice, differently, is `suspect`: never priced, never from the table). CheckDomain, the
 * second source, is read with neither rule: its first renew/12-month row wins over a second, dearer one, and an
 * answer about another domain prices the one asked for.
 */
function scriptedCaller(script: (() => Record<string, unknown>)[]): Caller {
  return {
    async call<T>(spec: CallSpec<T>): Promise<T> {
      const step = script.shift();
      if (!step) throw new Error(`unexpected call ${spec.action}`);
      return spec.parse(step());
    },
  };
}

const options = { chunkSize: 20, realTimePrice: false } as const;

describe('CheckDomain answers that do not say one price for the name asked', () => {
  test('two renew rows of 12 months with different amounts: no price (suspect), as for the real-time price', async () => {
    const caller = scriptedCaller([
      () => ({
        RequestId: 'R',
        DomainName: 'gold.com',
        StaticPriceInfo: {
          PriceInfo: [
            { action: 'renew', money: 69, period: 12 },
            { action: 'renew', money: 13800, period: 12 },
          ],
        },
      }),
    ]);
    const answer = await quoteRenewals(caller, [{ domainName: 'gold.com', premium: false }], 'CNY', options);
    expect(answer.quotes).toEqual([]);
    expect(answer.unpriced).toEqual([expect.objectContaining({ domainName: 'gold.com', suspect: true })]);
  });

  test('an answer about another domain does not price the one asked for', async () => {
    const caller = scriptedCaller([
      () => ({
        RequestId: 'R',
        DomainName: 'cheap.com',
        StaticPriceInfo: { PriceInfo: [{ action: 'renew', money: 69, period: 12 }] },
      }),
    ]);
    const answer = await quoteRenewals(caller, [{ domainName: 'gold.com', premium: false }], 'CNY', options);
    expect(answer.quotes).toEqual([]);
  });
});

/**
 * Review 2026-12-07: a premium name renews at the registry's real-time price, and CheckDomain's StaticPriceInfo is
 * the ordinary one. Read from its renew row, a premium name passed every money limit at 79 CNY and was ordered (with
 * PermitPremiumRenew) at its premium price.
 */
describe("CheckDomain's static renew row and a premium name", () => {
  const staticRow = { action: 'renew', money: 79, period: 12 };
  const refused = () => ({ RequestId: 'R1', Success: false, ErrorCode: 'InvalidAction', ErrorMsg: 'not found' });

  test.each([
    ['the answer says Premium beside a dearer Price', false, { Premium: 'true', DynamicCheck: true, Price: 13800 }],
    ['the listing says premium, the answer says nothing of it', true, {}],
  ])('%s: not priced from the row', async (_case, listedPremium, extra) => {
    const caller = scriptedCaller([
      () => ({ RequestId: 'R', DomainName: 'gold.com', ...extra, StaticPriceInfo: { PriceInfo: [staticRow] } }),
    ]);
    const answer = await quoteRenewals(caller, [{ domainName: 'gold.com', premium: listedPremium }], 'CNY', options);
    expect(answer.quotes).toEqual([]);
    expect(answer.unpriced).toEqual([
      expect.objectContaining({ domainName: 'gold.com', why: expect.stringMatching(/premium name is not priced/) }),
    ]);
  });

  test('the real-time answer called it premium without a price: the row does not price it either', async () => {
    const caller = scriptedCaller([
      () => ({
        RequestId: 'R1',
        Success: true,
        Module: { DomainPrices: [{ DomainName: 'gold.com', Avail: 0, Premium: true, Reason: 'ask' }] },
      }),
      () => ({ RequestId: 'R2', DomainName: 'gold.com', StaticPriceInfo: { PriceInfo: [staticRow] } }),
    ]);
    const answer = await quoteRenewals(caller, [{ domainName: 'gold.com', premium: false }], 'CNY', {
      ...options,
      realTimePrice: true,
    });
    expect(answer.quotes).toEqual([]);
    expect(answer.unpriced).toEqual([expect.objectContaining({ domainName: 'gold.com', premium: true })]);
  });

  test('with money.checkDomainPrice "use", its Price prices it; an ordinary name is still priced from the row', async () => {
    const caller = scriptedCaller([
      () => ({
        RequestId: 'R',
        DomainName: 'gold.com',
        Premium: 'true',
        Price: 13800,
        StaticPriceInfo: { PriceInfo: [staticRow] },
      }),
      () => ({ RequestId: 'R', DomainName: 'plain.com', StaticPriceInfo: { PriceInfo: [staticRow] } }),
    ]);
    const answer = await quoteRenewals(
      caller,
      [
        { domainName: 'gold.com', premium: true },
        { domainName: 'plain.com', premium: false },
      ],
      'CNY',
      { ...options, useCheckDomainPrice: true },
    );
    expect(answer.quotes.map((q) => [q.domainName, q.perYear.minor])).toEqual([
      ['gold.com', 1380000],
      ['plain.com', 7900],
    ]);
  });

  test('a run with premium allowed and a price limit does not buy it at the row (the limit holds)', async () => {
    const t = await given({
      domains: ['gold.com+10d premium'],
      balance: '100000.00',
      policy: { limits: { allowPremium: true, maxPricePerDomain: '500.00' } },
    });
    const caller: Caller = {
      async call<T>(spec: CallSpec<T>): Promise<T> {
        if (spec.action === 'QueryDomainRealTimePrice') return spec.parse(refused());
        return spec.parse({
          RequestId: 'R2',
          DomainName: 'gold.com',
          Premium: 'true',
          DynamicCheck: true,
          Price: 13800,
          StaticPriceInfo: { PriceInfo: [staticRow] },
        });
      },
    };
    t.registrar.quoteRenewals = (items, currency) =>
      quoteRenewals(caller, items, currency, { chunkSize: 20, realTimePrice: true });
    const run = await t.renew();
    expect(run.plan.decisions.find((d) => d.domain.domainName === 'gold.com')).toMatchObject({ action: 'skip' });
    expect(t.registrar.submissions()).toEqual([]);
  });
});
