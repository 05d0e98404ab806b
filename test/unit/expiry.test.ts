import { judgeExpiry } from '../../lib/renewal/expiry';

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
