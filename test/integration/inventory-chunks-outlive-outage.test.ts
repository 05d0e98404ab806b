import { RejectedRetryableError } from '../../lib/errors';
import { ITEM_TYPE } from '../../lib/ledger/items';
import { TABLE } from '../../lib/ledger/table';
import type { Registrar } from '../../lib/registrar/port';
import { given } from '../helpers/builder';
import { hidingFromListings } from '../helpers/faulty';
import { renewBesideCheck } from '../helpers/renew-beside-check';

const DAY = 86_400_000;

/**
 * Review of the weekly inventory (s33d). The chunks of an inventory are kept 60 days by TTL (items.ts
 * INVENTORY_CHUNK_DAYS) while its head has none, and a head whose chunks are gone reads as no inventory at all
 * (readInventory: undefined). When the whole-account listing fails for two months (a throttled or slow account:
 * given up at the margin every run), DynamoDB deletes the last inventory's chunks; the run that finally lists
 * compares with nothing (`last` undefined: no names left) and stores the new one. A domain that left the listing
 * during the outage is never compared: it lapses with nobody naming it, though the daily e-mail said "until it is
 * [taken], a domain that leaves the listing ... is not named" (and, once the chunks were gone, "not been taken yet").
 */
test('a domain that left while the listing failed for 60 days is named once a listing succeeds', async () => {
  const t = await given({ domains: ['stays.com+300d', 'moved.com+150d'] });
  const hidden = new Set<string>();
  const hiding = hidingFromListings(t.registrar, hidden);
  let wholeFails = false;
  const registrar: Registrar = {
    ...hiding,
    listDomains: (q) => {
      if (wholeFails && q.expiringToMs === undefined)
        return Promise.reject(
          new RejectedRetryableError('QueryDomainList throttled (injected)', { code: 'Throttling' }),
        );
      return hiding.listDomains(q);
    },
  };
  // DynamoDB's TTL: an inventory chunk past its expiresAt is deleted.
  const sweep = () => {
    for (const [key, item] of t.ledger.store.items)
      if (item.type === ITEM_TYPE.inventoryChunk && Number(item[TABLE.ttlAttribute]) * 1000 <= t.clock.now())
        t.ledger.store.items.delete(key);
  };
  const run = async (id: string) => {
    sweep();
    await renewBesideCheck(t, id, { registrar });
  };
  await run('day-0'); // the first inventory
  const told: number[] = [];
  for (let day = 1; day <= 150; day++) {
    t.advance(DAY);
    wholeFails = day <= 70; // the whole-account listing fails for ten weeks, then recovers
    if (day === 3) hidden.add('moved.com'); // moved to a resource group the key does not list
    const before = t.notifier.sent.length;
    await run(`day-${day}`);
    for (const m of t.notifier.sent.slice(before)) if (/- moved\.com: /.test(m.email)) told.push(day);
  }
  // moved.com expires on day 150, still held by the account: someone is told before it lapses.
  expect(told).not.toEqual([]);
}, 120_000);
