import { parsePolicyText } from '../../lib/policy/load';

/**
 * money.unpriced "renew" counts each renewal no source prices at limits.maxPricePerDomain (14e599e). A
 * maxPricePerDomain of "0" (read by many as "no limit") then counted every unpriced renewal at 0: maxSpendPerRun,
 * maxSpendPerMonth and the balance less minBalanceAfter bounded none of them, while every priced domain was
 * over-price (review 2026-12-07, twenty-sixth session: four unpriced renewals went out past a 150 CNY cap). The schema
 * refuses a priceTable price of 0 for that reason (M5); this is the same bad input.
 */
describe('money.unpriced "renew" with limits.maxPricePerDomain "0"', () => {
  const policy = (maxPricePerDomain: string, unpriced = 'renew') =>
    JSON.stringify({
      version: 1,
      money: { unpriced },
      limits: { maxPricePerDomain, maxSpendPerRun: '150', maxSpendPerMonth: '150', minBalanceAfter: '800' },
    });

  test.each(['0', '0.00', ' 0 '])('%j is refused at load, with the path and what to write', (zero) => {
    expect(() => parsePolicyText(policy(zero), 'p.json')).toThrow(
      /p\.json.*limits\.maxPricePerDomain.*money\.unpriced "renew".*counted at it/s,
    );
  });

  test('a positive one, or 0 with unpriced "skip" (every priced renewal over it: buys nothing), loads', () => {
    expect(() => parsePolicyText(policy('0.01'), 'p.json')).not.toThrow();
    expect(() => parsePolicyText(policy('0', 'skip'), 'p.json')).not.toThrow();
  });
});
