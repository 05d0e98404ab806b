import { fitWatch } from '../../lib/ledger/items';
import type { WatchEntry } from '../../lib/ledger/port';
import { mergeWatch } from '../../lib/renewal/watch';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 11, 7);
const long = (i: number, tag: string) => `${'a'.repeat(50)}${tag}${i}.${'b'.repeat(60)}.${'c'.repeat(60)}.com`;
const entry = (domain: string, days: number): WatchEntry => ({ domain, expiryMs: T0 + days * DAY, seenAtMs: T0 });

/**
 * Two renew runs store the watch list at once (a hand run beside the schedule). This run's list kept the renewal its
 * listing no longer shows first when full (fitWatch's `first`); the merge over the rival's list cut it again by expiry
 * alone, so the rival's additions pushed it out and it was never named before it lapsed (review 2026-12-07,
 * twenty-sixth session's "found, not fixed").
 */
test("a full list merged over a rival's additions keeps the renewal this run's listing does not show", () => {
  const mineListed = Array.from({ length: 1700 }, (_, i) => entry(long(i, 'm'), 35));
  const hidden = entry('x.com', 36); // expires last: the first cut by expiry
  const mine = fitWatch([...mineListed, hidden], new Set(['x.com']));
  expect(mine.map((e) => e.domain)).toContain('x.com');
  // The rival run listed 300 more renewals, expiring sooner, and stored them after this run read the list.
  const rivalAdded = Array.from({ length: 300 }, (_, i) => entry(long(i, 'r'), 34));
  const read = mine;
  const stored = fitWatch([...read, ...rivalAdded]);
  const listed = new Set([...mineListed, ...rivalAdded].map((e) => e.domain));
  const merged = mergeWatch(stored, read, mine, listed);
  expect(merged?.length).toBeLessThan(mineListed.length + rivalAdded.length + 1); // full: something is cut
  expect(merged?.map((e) => e.domain)).toContain('x.com');
});
