import { InputError } from '../../lib/errors';
import { describeHoldEnd, isHoldExpired, parseHoldUntil } from '../../lib/renewal/hold-time';

const NOW = Date.UTC(2027, 0, 15, 10, 0, 0);

describe('parseHoldUntil: the end of a hold', () => {
  test.each([
    ['2027-01-31', Date.UTC(2027, 1, 1), 'a UTC day: held through its end, so it ends at the next UTC midnight'],
    ['2027-12-31', Date.UTC(2028, 0, 1), 'the last day of a year'],
    ['2028-02-29', Date.UTC(2028, 2, 1), 'a leap day'],
    ['2027-01-15', Date.UTC(2027, 0, 16), 'today: held through the rest of today'],
    ['2027-01-31T08:00:00Z', Date.UTC(2027, 0, 31, 8), 'a timestamp in UTC'],
    ['2027-01-31T16:00+08:00', Date.UTC(2027, 0, 31, 8), 'a timestamp with an offset, no seconds'],
    ['2027-01-15T10:00:00.001Z', NOW + 1, 'one millisecond from now'],
    [' 2027-01-31 ', Date.UTC(2027, 1, 1), 'surrounding spaces'],
  ])('%s -> %s (%s)', (value, expected) => {
    expect(parseHoldUntil(value, NOW)).toBe(expected);
  });

  test.each([
    ['2027-02-30', /is not a date/],
    ['2027-13-01', /is not a date/],
    ['31.01.2027', /is not a date/],
    ['2027-01-31T08:00:00', /is not a date/], // no zone: would mean different instants on different machines
    ['2027-01-31T24:00:00Z', /is not a date/],
    ['tomorrow', /is not a date/],
    ['', /is not a date/],
    ['2027-01-14', /is not in the future/],
    ['2027-01-15T10:00:00Z', /is not in the future/], // ending exactly now is not in the future
    ['2020-01-01', /is not in the future/],
  ])('%j is refused with an InputError naming --until', (value, message) => {
    expect(() => parseHoldUntil(value, NOW)).toThrow(InputError);
    expect(() => parseHoldUntil(value, NOW)).toThrow(message);
    expect(() => parseHoldUntil(value, NOW)).toThrow(/^--until /);
  });
});

describe('describeHoldEnd and isHoldExpired', () => {
  test.each([
    [undefined, 'until unhold'],
    [Date.UTC(2027, 1, 1), 'through 2027-01-31 UTC'],
    [Date.UTC(2027, 0, 31, 8), 'until 2027-01-31T08:00:00.000Z'],
  ])('%s reads %j', (untilMs, text) => {
    expect(describeHoldEnd(untilMs)).toBe(text);
  });

  test.each([
    [undefined, false],
    [NOW + 1, false],
    [NOW, true],
    [NOW - 1, true],
  ])('a hold until %s has expired at NOW: %s', (untilMs, expired) => {
    expect(isHoldExpired(untilMs === undefined ? {} : { untilMs }, NOW)).toBe(expired);
  });
});
