import { MAX_INVENTORY_CHUNK_BYTES } from '../../lib/ledger/items';
import { given } from '../helpers/builder';
import { hidingFromListings } from '../helpers/faulty';
import { renewBesideCheck } from '../helpers/renew-beside-check';

const DAY = 86_400_000;

/**
 * Review of the weekly inventory (thirty-third session). Its first form was one item, cut at 350 000 bytes: the names
 * expiring last were left out and never compared, and nothing said so. About 11 000 to 15 000 names of usual length
 * filled it (the bench runs 100 000), fewer with long names; here 1 800 names of about 200 bytes. A domain expiring
 * after all of them that left the listing was never named. The inventory is stored in chunks now.
 */
test('a domain past what one item holds leaves the listing: it is named', async () => {
  const long = (i: number) => `${'a'.repeat(60)}${i}.${'b'.repeat(60)}.${'c'.repeat(60)}.com`;
  const fillers = Array.from({ length: 1800 }, (_, i) => `${long(i)}+100d`);
  expect(1800 * (long(0).length + 15)).toBeGreaterThan(MAX_INVENTORY_CHUNK_BYTES);
  const t = await given({ domains: [...fillers, 'late.com+300d'] });
  const hidden = new Set<string>();
  const registrar = hidingFromListings(t.registrar, hidden);
  const run = (id: string) => renewBesideCheck(t, id, { registrar });
  await run('day-0'); // the first inventory
  const stored = await t.ledger.readInventory();
  expect(stored?.entries.map((e) => e.domain)).toContain('late.com');
  hidden.add('late.com'); // moved to a resource group the key does not list
  for (let day = 1; day <= 14; day++) {
    t.advance(DAY);
    await run(`day-${day}`);
  }
  const all = t.notifier.sent.map((m) => m.email).join('\n');
  expect(all).toMatch(
    /- late\.com: .*not-listed: QueryDomainList listed it on .* \(the weekly whole-account listing\)/,
  );
}, 120_000);
