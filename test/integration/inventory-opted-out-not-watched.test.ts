import { given } from '../helpers/builder';
import { hidingFromListings } from '../helpers/faulty';
import { renewBesideCheck } from '../helpers/renew-beside-check';

const DAY = 86_400_000;

/**
 * Review of the weekly inventory (thirty-third session), as found (fixed since: docs/design.md).
 * The policy opts a domain out (renew: false): the planner never tells it (will-lapse.ts: `opted-out` is absent from
 * WILL_LAPSE_REASONS on purpose) and the watch list never holds it (watch.ts NOT_WATCHED). The weekly inventory
 * (lib/renewal/inventory.ts findLeftListing) watches every name that left the whole-account listing, whatever the
 * policy says of it: a retired domain moved to an archive resource group (or an allow-list policy's unmanaged
 * domains, moved about by another team) is told "cannot buy it", then paged by SMS at 7, 3 and 1 days, and each day
 * after its expiry, though the policy chose to let it lapse.
 */
test('an opted-out domain that leaves the listing pages no one', async () => {
  const t = await given({
    domains: ['keep.com+200d', 'old-x.com+60d'],
    policy: { rules: [{ name: 'retired', match: ['old-*.com'], renew: false }] },
  });
  const hidden = new Set<string>();
  const registrar = hidingFromListings(t.registrar, hidden);
  const run = (id: string) => renewBesideCheck(t, id, { registrar });
  await run('day-0'); // the first inventory
  hidden.add('old-x.com'); // moved to an archive resource group the key does not list; the account still holds it
  const paged: number[] = [];
  for (let day = 1; day <= 66; day++) {
    t.advance(DAY);
    const before = t.notifier.sent.length;
    await run(`day-${day}`);
    for (const m of t.notifier.sent.slice(before)) if (m.smsLapsing && m.sms.includes('old-x.com')) paged.push(day);
  }
  expect(t.registrar.submissions().map((s) => s.domainName)).not.toContain('old-x.com');
  expect(paged).toEqual([]);
}, 120_000);
