import { dayStartsOf, isDayStart, isSameListedExpiry, judgeExpiry } from '../../lib/renewal/expiry';

const at = (iso: string) => Date.parse(iso);
const OLD = at('2027-03-10T05:30:00Z'); // 13:30 on 10 March in Beijing

describe('judgeExpiry (what a read-back expiry says about a renewal of 1 year from OLD)', () => {
  test.each([
    ['the same instant', '2027-03-10T05:30:00Z', 'unchanged'],
    ['the same UTC day, cut to UTC midnight', '2027-03-10T00:00:00Z', 'unchanged'],
    // The API's sample ExpirationDateLong is 00:00 in UTC+8: a registrar that cuts to Beijing's day boundary.
    ['the same Beijing day, cut to Beijing midnight', '2027-03-09T16:00:00Z', 'unchanged'],
    ['a year later', '2028-03-10T05:30:00Z', 'renewed'],
    ['a year later, cut to Beijing midnight', '2028-03-09T16:00:00Z', 'renewed'],
    ['a year and two days later', '2028-03-12T05:30:00Z', 'renewed'],
    ['a year and three days later', '2028-03-13T05:30:00Z', 'moved'],
    ['two years later', '2029-03-10T05:30:00Z', 'moved'],
    ['a day earlier, at UTC midnight', '2027-03-09T00:00:00Z', 'moved'],
    ['the previous Beijing day, at Beijing midnight', '2027-03-08T16:00:00Z', 'moved'],
    ['later the same UTC day, not a midnight', '2027-03-10T20:00:00Z', 'moved'],
  ] as const)('%s -> %s', (_label, read, expected) => {
    expect(judgeExpiry(OLD, 1, at(read))).toBe(expected);
  });

  test('an OLD reading that was itself cut to Beijing midnight matches the exact instant of that Beijing day', () => {
    expect(judgeExpiry(at('2027-03-09T16:00:00Z'), 1, OLD)).toBe('unchanged');
  });
});

describe('one listed expiry read two ways (two accounts, one truncating)', () => {
  const precise = Date.UTC(2026, 0, 5, 9, 38, 28);
  test.each([
    ['equal', precise, precise, true],
    ['cut to the UTC day', Date.UTC(2026, 0, 5), precise, true],
    ['cut to the UTC+8 day', Date.UTC(2026, 0, 4, 16), precise, true],
    ['the UTC day before', Date.UTC(2026, 0, 4), precise, false],
    ['a day later, both precise (two things)', precise + 86_400_000, precise, false],
    ['an hour apart, neither cut', precise + 3_600_000, precise, false],
  ])('%s', (_what, a, b, same) => {
    expect(isSameListedExpiry(a, b)).toBe(same);
    expect(isSameListedExpiry(b, a)).toBe(same);
  });

  test('the day starts a precise reading may have been cut to, and which readings are day starts', () => {
    expect(dayStartsOf(precise)).toEqual([Date.UTC(2026, 0, 5), Date.UTC(2026, 0, 4, 16)]);
    expect(dayStartsOf(Date.UTC(2026, 0, 5))).toEqual([Date.UTC(2026, 0, 4, 16)]);
    expect(isDayStart(Date.UTC(2026, 0, 5))).toBe(true);
    expect(isDayStart(Date.UTC(2026, 0, 4, 16))).toBe(true);
    expect(isDayStart(precise)).toBe(false);
  });
});
