import type { Caller, CallSpec } from '../../lib/alibaba/call';
import { quoteRenewals } from '../../lib/alibaba/quotes';

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
