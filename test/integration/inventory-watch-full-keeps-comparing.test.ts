import { fitWatch } from '../../lib/ledger/items';
import { given } from '../helpers/builder';
import { hidingFromListings } from '../helpers/faulty';
import { renewBesideCheck } from '../helpers/renew-beside-check';

const DAY = 86_400_000;

/**
 * Review of the weekly inventory (s33d). The inventory's own scenario at scale: the key's RAM policy is scoped to one
 * resource group, and a few thousand domains leave the listing at once. surveyInventory hands every name that left
 * to watchListing as `extra`; the watch item holds 350 000 bytes (fitWatch keeps the soonest first), so the names
 * expiring last are cut; jobs/renew.ts stores the new inventory all the same (`watch.unstored` is false: the write
 * succeeded, just without them). The next inventory compares with this one, so the names cut are never compared
 * again: told once at most (the day's e-mail, "watched from now on ... named again as its expiry nears", itself cut
 * for size), then never named as their expiry nears.
 */
test('a domain among thousands that left the listing at once is named as its expiry nears', async () => {
  const long = (i: number) => `${'x'.repeat(58)}${String(i).padStart(4, '0')}.com`;
  const movers = Array.from({ length: 3600 }, (_, i) => long(i));
  // The names that leave do not all fit the watch item.
  const entries = [...movers, 'late.com'].map((domain) => ({
    domain,
    expiryMs: 1,
    seenAtMs: 1_790_000_000_000,
    lookedAtMs: 1_790_000_000_000,
  }));
  expect(fitWatch(entries).length).toBeLessThan(entries.length);
  const t = await given({ domains: [...movers.map((d) => `${d}+100d`), 'late.com+120d', 'stays.com+300d'] });
  const hidden = new Set<string>();
  const registrar = hidingFromListings(t.registrar, hidden);
  const run = async (id: string) => {
    await renewBesideCheck(t, id, { registrar }).catch(() => undefined);
  };
  await run('day-0'); // the first inventory
  // The key's RAM policy is scoped to another resource group: every domain but stays.com leaves the listing.
  for (const d of [...movers, 'late.com']) hidden.add(d);
  const told: number[] = [];
  for (let day = 1; day <= 120; day++) {
    t.advance(DAY);
    const before = t.notifier.sent.length;
    await run(`day-${day}`);
    for (const m of t.notifier.sent.slice(before)) if (/- late\.com: /.test(m.email)) told.push(day);
  }
  // late.com expires on day 120, still held by the account: it is named in its last 30 days.
  expect(told.filter((d) => d >= 90)).not.toEqual([]);
}, 600_000);
