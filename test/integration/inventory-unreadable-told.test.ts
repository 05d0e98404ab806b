import { LedgerError } from '../../lib/errors';
import type { Ledger } from '../../lib/ledger/port';
import { given } from '../helpers/builder';
import { renewBesideCheck } from '../helpers/renew-beside-check';

const DAY = 86_400_000;

/**
 * Review of the weekly inventory (thirty-third session), as found (fixed since: docs/design.md).
 * takeInventory returns NOTHING, without the stale note, when the last inventory cannot be read (inventory.ts: the
 * readInventory catch). A read that fails every run (an item the parser refuses, a permission left out of a
 * hand-written role) skips every inventory for good, and no digest says so: only the function's logs. The stale note
 * exists for exactly this ("named in the digest once the last inventory is older than INVENTORY_STALE_MS").
 */
test('an inventory that cannot be read for weeks is told in the digest', async () => {
  const t = await given({ domains: ['a.com+200d', 'late.com+52d'] });
  const ledger: Ledger = {
    ...t.ledger,
    readInventory: async () => {
      throw new LedgerError('ledger readInventory failed (injected: AccessDeniedException)');
    },
  };
  const emails: string[] = [];
  for (let day = 0; day <= 25; day++) {
    const before = t.notifier.sent.length;
    await renewBesideCheck(t, `day-${day}`, { ledger });
    emails.push(...t.notifier.sent.slice(before).map((m) => m.email));
    t.advance(DAY);
  }
  // late.com is bought on day 22 (30 days before its expiry): that digest goes out, 22 days without an inventory.
  expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['late.com']);
  expect(emails.join('\n')).toContain('late.com');
  expect(emails.join('\n')).toMatch(/whole-account listing \(the weekly inventory\)/);
}, 120_000);
