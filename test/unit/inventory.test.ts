import { fromInventoryItems, MAX_INVENTORY_CHUNK_BYTES, toInventoryItems } from '../../lib/ledger/items';
import type { Inventory } from '../../lib/ledger/port';
import type { ListedDomain } from '../../lib/registrar/port';
import { findLeftListing, isInventoryDue } from '../../lib/renewal/inventory';

const at = (iso: string) => Date.parse(iso);
const listed = (domainName: string, expires: string): ListedDomain => ({
  domainName,
  instanceId: `S-${domainName}`,
  expiresAtMs: at(expires),
  standing: 'normal',
  premium: false,
});

describe('isInventoryDue', () => {
  test.each([
    ['no inventory yet', undefined, '2026-12-08T06:00:00Z', true],
    ['taken a day ago', '2026-12-07T06:00:00Z', '2026-12-08T06:00:00Z', false],
    ['taken 6 days 12 hours ago', '2026-12-01T18:00:00Z', '2026-12-08T06:00:00Z', true],
    [
      'taken 6 days 11 hours ago (schedule jitter is half a day)',
      '2026-12-01T19:00:00Z',
      '2026-12-08T06:00:00Z',
      false,
    ],
    ['taken a week ago, a minute later in the day', '2026-12-01T06:01:00Z', '2026-12-08T06:00:00Z', true],
  ])('%s', (_what, taken, now, due) => {
    expect(isInventoryDue(taken === undefined ? undefined : { takenAtMs: at(taken) }, at(now))).toBe(due);
  });
});

describe('findLeftListing', () => {
  const last: Inventory = {
    takenAtMs: at('2026-12-01T06:00:00Z'),
    entries: [
      { domain: 'renewed.com', expiryMs: at('2026-12-05T00:00:00Z') },
      { domain: 'left.com', expiryMs: at('2027-04-01T00:00:00Z') },
      { domain: 'expired-long-ago.com', expiryMs: at('2026-10-01T00:00:00Z') },
      { domain: 'in-grace.com', expiryMs: at('2026-12-01T00:00:00Z') },
      { domain: 'stays.com', expiryMs: at('2027-06-01T00:00:00Z') },
    ],
  };
  test('names listed last time and not now, until their grace period is over; a renewal (a later expiry) did not leave', () => {
    const now = at('2026-12-08T06:00:00Z');
    const left = findLeftListing(
      last,
      [listed('renewed.com', '2027-12-05T00:00:00Z'), listed('stays.com', '2027-06-01T00:00:00Z')],
      now,
    );
    expect(left).toEqual([
      { domain: 'left.com', expiryMs: at('2027-04-01T00:00:00Z'), seenAtMs: now, hidden: true },
      { domain: 'in-grace.com', expiryMs: at('2026-12-01T00:00:00Z'), seenAtMs: now, hidden: true },
    ]);
  });
  test('nothing left when every name is listed', () => {
    const all = last.entries.map((e) => listed(e.domain, new Date(e.expiryMs).toISOString()));
    expect(findLeftListing(last, all, at('2026-12-08T06:00:00Z'))).toEqual([]);
  });
});

describe('the inventory as stored (chunks under a generation, and a head naming them)', () => {
  const entries = Array.from({ length: 20_000 }, (_, i) => ({
    domain: `name-${i}.example.com`,
    expiryMs: at('2027-01-01T00:00:00Z') + i,
  }));
  test('split into chunks of at most MAX_INVENTORY_CHUNK_BYTES, read back whole', () => {
    const { head, chunks } = toInventoryItems({ takenAtMs: 1, entries }, 'g1', 'w', 1);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(Buffer.byteLength(String(c.text))).toBeLessThanOrEqual(MAX_INVENTORY_CHUNK_BYTES);
    expect(fromInventoryItems(head, chunks)?.entries).toEqual(entries);
  });
  test('a head whose chunk is gone (expired) reads as no inventory: a new one is taken, nothing compared', () => {
    const { head, chunks } = toInventoryItems({ takenAtMs: 1, entries }, 'g1', 'w', 1);
    expect(fromInventoryItems(head, chunks.slice(1))).toBeUndefined();
  });
});
