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

/**
 * The real quote reader (lib/alibaba/quotes.ts) over a scripted Domain API: one real-time answer, then CheckDomain
 * refused (InvalidAction: the source is skipped) or, with `checkDomainRow`, answering the TLD's ordinary (static)
 * renew row at that amount, as for any .com.
 */
function scriptedQuotes(
  item: Record<string, unknown>,
  checkDomainRow?: number,
): NonNullable<Registrar['quoteRenewals']> {
  return async (items, currency) => {
    const caller: Caller = {
      async call<T>(spec: CallSpec<T>): Promise<T> {
        if (spec.action === 'QueryDomainRealTimePrice')
          return spec.parse({
            RequestId: 'R1',
            Success: true,
            Module: { DomainPrices: [{ DomainName: 'a.com', Currency: 'CNY', ...item }] },
          });
        if (checkDomainRow === undefined)
          return spec.parse({ RequestId: 'R2', Success: false, ErrorCode: 'InvalidAction', ErrorMsg: 'not here' });
        return spec.parse({
          RequestId: 'R2',
          DomainName: 'a.com',
          Avail: '0',
          Premium: 'false',
          Reason: 'In use',
          StaticPriceInfo: {
            PriceInfo: [
              { action: 'activate', money: checkDomainRow, period: 12 },
              { action: 'renew', money: checkDomainRow, period: 12 },
            ],
          },
        });
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
    // Avail absent (the SDK model has it optional): read as "an answer that says nothing", the table's 69 stood in for
    // the stated 5 000 (review 2026-12-07, twenty-sixth session).
    ['Avail absent, with a price', { Action: 'renew', Period: 1, Price: 5000 }, 'price-unusable'],
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

  test('control: an answer with neither Price nor Avail says nothing: the table prices it', async () => {
    const t = await given({
      domains: ['a.com+5d'],
      balance: '100000',
      policy: { money: { priceTable: { com: '69.00' } }, limits: { maxPricePerDomain: '100' } },
    });
    const item = { Action: 'renew', Period: 1 };
    await t.renew({ deps: { registrar: { ...t.registrar, quoteRenewals: scriptedQuotes(item) } } });
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.com']);
  });
});

/*
 * A real-time answer the tool will not use (Period or Action other than asked, or not available) still states what
 * the registrar charges: suspect, so no table price stands in for it (review 2026-12-07). "Stated" was
 * `Number(Price) > 0`: a Price written as a string Number() cannot read (thousands separators, as the balance's
 * "1,234.56" from live answers, or a unit after the amount) was "not stated", and the policy table's 69 CNY stood in
 * for a stated 5 000 CNY, under maxPricePerDomain 100 (review 2026-12-07, twenty-fifth session).
 */
describe('a stated price written as a string Number() cannot read is still a stated price', () => {
  test.each([
    ['Period 12, "5,000.00"', { Avail: 1, Action: 'renew', Period: 12, Price: '5,000.00' }],
    ['Action activate, "5,000.00"', { Avail: 1, Action: 'activate', Period: 1, Price: '5,000.00' }],
    ['not available, "5,000.00"', { Avail: 0, Action: 'renew', Period: 1, Price: '5,000.00' }],
    ['Period 12, "5000.00 CNY"', { Avail: 1, Action: 'renew', Period: 12, Price: '5000.00 CNY' }],
  ])('%s: a.com is not bought at the table price 69', async (_l, item) => {
    const t = await given({
      domains: ['a.com+5d'],
      balance: '100000',
      policy: { money: { priceTable: { com: '69.00' } }, limits: { maxPricePerDomain: '100' } },
    });
    const run = await t.renew({ deps: { registrar: { ...t.registrar, quoteRenewals: scriptedQuotes(item) } } });
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual([]);
    expect(run.plan.decisions.find((d) => d.domain.domainName === 'a.com')?.reason).toBe('price-unusable');
  });

  test.each([
    ['0', 0],
    ['"0.00"', '0.00'],
  ])('a zero Price (%s) for Period 12 is no price stated: the table prices a.com', async (_l, price) => {
    const t = await given({
      domains: ['a.com+5d'],
      balance: '100000',
      policy: { money: { priceTable: { com: '69.00' } }, limits: { maxPricePerDomain: '100' } },
    });
    await t.renew({
      deps: {
        registrar: {
          ...t.registrar,
          quoteRenewals: scriptedQuotes({ Avail: 1, Action: 'renew', Period: 12, Price: price }),
        },
      },
    });
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.com']);
  });
});

/**
 * Review 2026-12-07 (twenty-eighth session, prices helper). README "Money": a domain "the registrar priced in a way that cannot be used (`price-unusable`:
 * never from the table, never unpriced)"; docs/design.md calls CheckDomain's StaticPriceInfo row "the ordinary price
 * as the table's is". A real-time answer stating 5 000 CNY that the tool cannot use (Avail absent or 0, Period 12,
 * Action activate) marks a.com suspect so the table's ordinary 69 cannot stand in for it (the tests above, which refuse
 * CheckDomain). When CheckDomain does answer, its static (ordinary) renew row of 69 CNY prices the
 * name instead: the suspect mark is dropped (quotes.ts settle), and a.com passes maxPricePerDomain 100 and is bought.
 * Now the row prices such a name only at no less than a one-year renew price stated with just Avail amiss (review of
 * the fix: were Avail 0 to mean "registered", every owned name would have been unusable and nothing bought).
 */

async function renewWithQuotes(item: Record<string, unknown>) {
  const t = await given({
    domains: ['a.com+5d'],
    balance: '100000',
    policy: { limits: { maxPricePerDomain: '100' } },
  });
  const run = await t.renew({ deps: { registrar: { ...t.registrar, quoteRenewals: scriptedQuotes(item, 69) } } });
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
