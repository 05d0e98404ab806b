import { parseDisplayTime } from '../../lib/alibaba/shapes';

/**
 * Display times (task CreateTime, detail UpdateTime) in both forms the API documents (shared/alibaba-domain-api.md):
 * `yyyy-MM-dd HH:mm:ss` (current SDK examples) and `MMM dd,yyyy HH:mm:ss` (older pages). One the parser missed
 * left a task's time unreadable, so a console renewal made between two runs was never read as "just renewed" and a
 * lagging listing bought the domain again (review 2026-12-04).
 */
describe('parseDisplayTime', () => {
  const utc8 = (y: number, mo: number, d: number, h: number, mi: number, s: number) =>
    Date.UTC(y, mo - 1, d, h - 8, mi, s);
  test.each([
    ['2026-12-01 13:30:00', utc8(2026, 12, 1, 13, 30, 0)],
    ['2026-12-01T13:30:00', utc8(2026, 12, 1, 13, 30, 0)],
    ['Dec 01,2026 13:30:00', utc8(2026, 12, 1, 13, 30, 0)],
    ['Dec 26,2017 11:00:54', utc8(2017, 12, 26, 11, 0, 54)],
    ['Nov 2, 2019 04:00:45', utc8(2019, 11, 2, 4, 0, 45)],
    ['sep 09,2026 00:00:01', utc8(2026, 9, 9, 0, 0, 1)],
  ])('%s', (text, ms) => {
    expect(parseDisplayTime(text)).toBe(ms);
  });

  test.each([
    '',
    'yesterday',
    '2026-13-01 00:00:00',
    'Foo 01,2026 13:30:00',
    'Dec 32,2026 13:30:00',
    '2026-12-01',
    '0001-01-01 00:00:00',
    '1970-01-01 08:00:00',
  ])('unreadable: %j', (text) => {
    expect(parseDisplayTime(text)).toBeUndefined();
  });
});
