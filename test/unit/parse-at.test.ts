import { parseAt } from '../../lib/commands/args';
import { InputError } from '../../lib/errors';

describe('parseAt (--at)', () => {
  test.each([
    ['2027-01-31', Date.UTC(2027, 0, 31)],
    ['2028-02-29', Date.UTC(2028, 1, 29)],
    ['2027-01-31T08:00:00Z', Date.UTC(2027, 0, 31, 8)],
    ['2027-01-31T08:00Z', Date.UTC(2027, 0, 31, 8)],
    ['2027-01-31T16:00:00+08:00', Date.UTC(2027, 0, 31, 8)],
    ['2027-01-31T08:00:00.250Z', Date.UTC(2027, 0, 31, 8, 0, 0, 250)],
  ])('%s -> the UTC instant %d', (value, expected) => {
    expect(parseAt(value)).toBe(expected);
  });

  test.each([
    '2027-02-30', // Date.parse rolls it over to 2 March
    '2027-02-29',
    '2027-13-01',
    '2027-01-31T08:00:00', // no zone: a different instant on every machine
    '2027-01-31T24:00:00Z',
    '31.01.2027',
    'tomorrow',
    '',
  ])('%j is refused with an InputError naming --at and an example', (value) => {
    expect(() => parseAt(value)).toThrow(InputError);
    expect(() => parseAt(value)).toThrow(/^--at ".*" is not a date; use e\.g\. 2027-01-31 or 2027-01-31T08:00:00Z/);
  });
});
