import { LedgerError } from '../../lib/errors';
import type { Ledger } from '../../lib/ledger/port';
import { given } from '../helpers/builder';
import { hidingFromListings } from '../helpers/faulty';
import { renewBesideCheck } from '../helpers/renew-beside-check';

const DAY = 86_400_000;

/**
 * Review of the weekly inventory (thirty-third session), as found (fixed since: docs/design.md).
 * The weekly inventory (lib/renewal/inventory.ts) stores the new whole-account listing BEFORE the watch step stores
 * the names that left it (jobs/renew.ts: takeInventory, then watchListing). On the one day the watch list's write
 * fails (all three tries), the left names are on no stored list, and the new inventory no longer holds them: no
 * later run compares them again. The digest of that day said "it is watched from now on (... named again from 30
 * days before its expiry)"; the domain then reaches its expiry with nobody told again.
 */
test('a name that left the listing is still named near its expiry when the watch write failed on the inventory day', async () => {
  const t = await given({ domains: ['stays.com+200d', 'moved.com+120d'] });
  let failWatch = false;
  const ledger: Ledger = {
    ...t.ledger,
    changeWatch: async (change) => {
      if (failWatch) throw new LedgerError('ledger changeWatch failed (injected: throttled)');
      return t.ledger.changeWatch(change);
    },
  };
  const hidden = new Set<string>();
  const registrar = hidingFromListings(t.registrar, hidden);
  const run = (id: string) =>
    // The run fails loudly when the watch list is unstored; its digest still goes out.
    renewBesideCheck(t, id, { registrar, ledger }).catch(() => undefined);
  await run('day-0'); // the first inventory
  hidden.add('moved.com'); // 119 days before its expiry: moved to a resource group the key does not list
  const told: { day: number; text: string }[] = [];
  for (let day = 1; day <= 119; day++) {
    t.advance(DAY);
    failWatch = day === 7; // the inventory day: every try of the watch write fails
    const before = t.notifier.sent.length;
    await run(`day-${day}`);
    for (const m of t.notifier.sent.slice(before)) if (m.email.includes('moved.com')) told.push({ day, text: m.email });
  }
  // Told once on day 7 ("watched from now on ... named again from 30 days before its expiry") ...
  expect(told[0]?.day).toBe(7);
  expect(told[0]?.text).toContain('it is watched from now on');
  // ... and, as promised, named again near its expiry (day 90 on: 30 days left).
  expect(told.filter((x) => x.day >= 85).map((x) => x.day)).not.toEqual([]);
}, 120_000);
