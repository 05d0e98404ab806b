import type { Caller, CallSpec } from '../../lib/alibaba/call';
import { quoteRenewals } from '../../lib/alibaba/quotes';
import { AmbiguousOutcomeError, InputError, RejectedRetryableError } from '../../lib/errors';

/** A caller answering from a script: one function per call, in order; records what was asked. */
function scriptedCaller(script: ((spec: CallSpec<unknown>) => Record<string, unknown>)[]) {
  const calls: { action: string; params: Record<string, string> }[] = [];
  const caller: Caller = {
    async call<T>(spec: CallSpec<T>): Promise<T> {
      calls.push({ action: spec.action, params: spec.params });
      const step = script.shift();
      if (!step) throw new Error(`unexpected call ${spec.action}`);
      return spec.parse(step(spec as CallSpec<unknown>));
    },
  };
  return { caller, calls };
}

const renewRow = (money: number) => ({ StaticPriceInfo: { PriceInfo: [{ action: 'renew', money, period: 12 }] } });

describe('quoteRenewals (the source order, with a scripted caller)', () => {
  test('a version without QueryDomainRealTimePrice (intl) asks CheckDomain first, and reads its Price', async () => {
    const { caller, calls } = scriptedCaller([() => ({ RequestId: 'R', DomainName: 'a.com', Price: 12.5 })]);
    const answer = await quoteRenewals(caller, [{ domainName: 'a.com', premium: false }], 'USD', {
      chunkSize: 20,
      realTimePrice: false,
      useCheckDomainPrice: true,
    });
    expect(calls.map((c) => c.action)).toEqual(['CheckDomain']);
    expect(answer.quotes).toEqual([
      { domainName: 'a.com', perYear: { minor: 1250, currency: 'USD' }, source: 'checkdomain' },
    ]);
    // By default its Price (documented as a premium registration price) prices nothing.
    const strict = scriptedCaller([() => ({ RequestId: 'R', DomainName: 'a.com', Price: 12.5 })]);
    const unpriced = await quoteRenewals(strict.caller, [{ domainName: 'a.com', premium: false }], 'USD', {
      chunkSize: 20,
      realTimePrice: false,
    });
    expect(unpriced.quotes).toEqual([]);
    expect(unpriced.unpriced[0]?.why).toMatch(/not read as one unless money\.checkDomainPrice is "use"/);
  });

  test('a real-time answer in another currency is reported whatever CheckDomain says after it (review 2026-12-06, round 8)', async () => {
    // CheckDomain's amounts are read in the currency asked for (UNCONFIRMED): its 69 would read as CNY on a USD
    // account, so the real-time answer's currency must stop the run even when CheckDomain prices the name.
    const { caller } = scriptedCaller([
      () => ({
        RequestId: 'R',
        Success: true,
        Module: {
          DomainPrices: [{ DomainName: 'a.com', Avail: 1, Price: 10, Currency: 'USD', Action: 'renew', Period: 1 }],
        },
      }),
      () => ({ RequestId: 'R', DomainName: 'a.com', ...renewRow(69) }),
    ]);
    const answer = await quoteRenewals(caller, [{ domainName: 'a.com', premium: false }], 'CNY', {
      chunkSize: 20,
      realTimePrice: true,
    });
    expect(answer.foreignCurrency).toEqual({ domainName: 'a.com', currency: 'USD' });
  });

  test('sends DomainItem as one JSON string with Period 1, and CheckDomain with FeeCommand renew, FeePeriod 1', async () => {
    const { caller, calls } = scriptedCaller([
      () => ({ RequestId: 'R', Success: true, Module: { DomainPrices: [] } }),
      () => ({ RequestId: 'R', ...renewRow(69) }),
    ]);
    const answer = await quoteRenewals(caller, [{ domainName: 'A.com', premium: false }], 'cny', {
      chunkSize: 20,
      realTimePrice: true,
    });
    expect(calls).toEqual([
      {
        action: 'QueryDomainRealTimePrice',
        params: { Currency: 'CNY', DomainItem: '[{"Action":"renew","DomainName":"A.com","Period":1}]' },
      },
      {
        action: 'CheckDomain',
        params: { DomainName: 'A.com', FeeCommand: 'renew', FeePeriod: '1', FeeCurrency: 'CNY' },
      },
    ]);
    expect(answer).toEqual({
      // Sent as asked, returned normalised (the port's promise).
      quotes: [{ domainName: 'a.com', perYear: { minor: 6900, currency: 'CNY' }, source: 'checkdomain' }],
      unpriced: [],
      unavailable: [],
    });
  });

  test('an unanswered chunk (ambiguous, or throttled after retries) sends its domains on, without switching the source off', async () => {
    const { caller, calls } = scriptedCaller([
      () => {
        throw new AmbiguousOutcomeError('QueryDomainRealTimePrice failed: no usable answer');
      },
      () => ({
        RequestId: 'R',
        Module: { DomainPrices: [{ DomainName: 'C.COM', Price: 39, Avail: 1, Currency: 'CNY' }] },
      }),
      () => ({ RequestId: 'R', ...renewRow(11) }),
      () => {
        throw new RejectedRetryableError('CheckDomain failed: Throttling');
      },
    ]);
    const answer = await quoteRenewals(
      caller,
      ['a.com', 'b.com', 'c.com', 'a.com', 'A.COM'].map((domainName) => ({ domainName, premium: false })),
      'CNY',
      { chunkSize: 2, realTimePrice: true },
    );
    expect(calls.map((c) => c.action)).toEqual([
      'QueryDomainRealTimePrice',
      'QueryDomainRealTimePrice',
      'CheckDomain',
      'CheckDomain',
    ]);
    expect(answer.unavailable).toEqual([]);
    expect(answer.quotes).toEqual([
      { domainName: 'c.com', perYear: { minor: 3900, currency: 'CNY' }, source: 'realtime' },
      { domainName: 'a.com', perYear: { minor: 1100, currency: 'CNY' }, source: 'checkdomain' },
    ]);
    expect(answer.unpriced).toEqual([
      { domainName: 'b.com', why: expect.stringMatching(/realtime: .*no usable answer; checkdomain: .*Throttling/) },
    ]);
  });

  test('one name answered twice with different prices is not priced by that answer, and a premium flag in either counts', async () => {
    const { caller } = scriptedCaller([
      () => ({
        RequestId: 'R',
        Module: {
          DomainPrices: [
            { DomainName: 'a.com', Price: 16.22, Avail: 1, Currency: 'CNY' },
            { DomainName: 'A.COM', Price: 1622, Avail: 1, Currency: 'CNY', Premium: true },
            { DomainName: 'b.com', Price: 39, Avail: 1, Currency: 'CNY' },
            { DomainName: 'b.com', Price: 39, Avail: 1, Currency: 'CNY' },
          ],
        },
      }),
      () => ({ RequestId: 'R', DomainName: 'a.com', Reason: 'In use' }),
    ]);
    const answer = await quoteRenewals(
      caller,
      ['a.com', 'b.com'].map((domainName) => ({ domainName, premium: false })),
      'CNY',
      { chunkSize: 20, realTimePrice: true },
    );
    // The same answer twice is one answer.
    expect(answer.quotes).toEqual([
      { domainName: 'b.com', perYear: { minor: 3900, currency: 'CNY' }, source: 'realtime' },
    ]);
    expect(answer.unpriced).toEqual([
      {
        domainName: 'a.com',
        why: expect.stringMatching(/QueryDomainRealTimePrice: answered 2 times, differently/),
        premium: true,
        suspect: true, // a price was stated, just not one that can be used: never replaced by the table's
      },
    ]);
  });

  test('refuses a bad currency or chunk size before any call', async () => {
    const { caller, calls } = scriptedCaller([]);
    await expect(
      quoteRenewals(caller, [{ domainName: 'a.com', premium: false }], 'yuan', { chunkSize: 20, realTimePrice: true }),
    ).rejects.toThrow(InputError);
    await expect(
      quoteRenewals(caller, [{ domainName: 'a.com', premium: false }], 'CNY', { chunkSize: 0, realTimePrice: true }),
    ).rejects.toThrow(InputError);
    expect(calls).toEqual([]);
    expect(await quoteRenewals(caller, [], 'CNY', { chunkSize: 20, realTimePrice: true })).toEqual({
      quotes: [],
      unpriced: [],
      unavailable: [],
    });
  });
});
