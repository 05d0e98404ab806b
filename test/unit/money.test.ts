import { addMoney, formatMoney, parseMoney, timesMoney } from '../../lib/money';

describe('money: integer minor units, parsed exactly', () => {
  test.each([
    ['16.22', 'CNY', 1622],
    [16.22, 'CNY', 1622],
    [0.3, 'CNY', 30],
    ['-11.19', 'CNY', -1119],
    ['1000.190', 'CNY', 100019],
    ['79', 'CNY', 7900],
    [100000, 'CNY', 10000000],
    ['1286', 'JPY', 1286],
    [' 4455.00 ', 'USD', 445500],
  ])('%p %s -> %d minor units', (value, currency, minor) => {
    expect(parseMoney(value, currency, 'x')).toEqual({ minor, currency });
  });

  test.each([['1.234'], ['1,286.00'], ['12e3'], [''], ['abc'], [null], [Number.NaN], ['1.5.5']])(
    'refuses %p with the field named',
    (value) => {
      expect(() => parseMoney(value, 'CNY', 'Data.AvailableCashAmount')).toThrow(/^Data\.AvailableCashAmount: /);
    },
  );

  test('JPY has no minor unit: a fraction is refused, not rounded', () => {
    expect(() => parseMoney('10.5', 'JPY', 'p')).toThrow(/more decimals than JPY has \(0\)/);
  });

  test('formats with the sign and the currency; sums never mix currencies', () => {
    expect(formatMoney({ minor: -1119, currency: 'CNY' })).toBe('-11.19 CNY');
    expect(formatMoney({ minor: 5, currency: 'USD' })).toBe('0.05 USD');
    expect(formatMoney({ minor: 1286, currency: 'JPY' })).toBe('1286 JPY');
    expect(addMoney({ minor: 1, currency: 'CNY' }, { minor: 2, currency: 'CNY' })).toEqual({
      minor: 3,
      currency: 'CNY',
    });
    expect(() => addMoney({ minor: 1, currency: 'CNY' }, { minor: 2, currency: 'USD' })).toThrow(/currencies differ/);
    expect(timesMoney({ minor: 7900, currency: 'CNY' }, 3)).toEqual({ minor: 23700, currency: 'CNY' });
  });
});
