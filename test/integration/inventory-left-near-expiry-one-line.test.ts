import { given } from '../helpers/builder';
import { hidingFromListings } from '../helpers/faulty';
import { renewBesideCheck } from '../helpers/renew-beside-check';

const DAY = 86_400_000;

/**
 * Review of the weekly inventory (thirty-third session), as found (fixed since: docs/design.md).
 * A name the weekly inventory finds gone with 30 days or fewer left is told twice in one digest: the inventory's
 * "left" line (inventory.ts, mark left#...) and, in the same run, the watch's own look-up line at the 30-day
 * threshold (watch.ts notListedLine, mark not-listed#...), the first saying it will be "named again from 30 days
 * before its expiry" though it is past that already. One domain, two contradicting lines.
 */
test('a name that left the listing inside 30 days is told once per digest', async () => {
  const t = await given({ domains: ['keep.com+200d', 'near.com+36d'] });
  const hidden = new Set<string>();
  const registrar = hidingFromListings(t.registrar, hidden);
  const run = (id: string) => renewBesideCheck(t, id, { registrar });
  await run('day-0'); // the first inventory; near.com not yet due (36 days left), so on no watch list
  hidden.add('near.com');
  for (let day = 1; day <= 7; day++) {
    t.advance(DAY);
    await run(`day-${day}`);
  }
  const digest = t.notifier.sent.map((m) => m.email).find((e) => e.includes('near.com')) ?? '';
  const lines = digest.split('\n').filter((l) => l.startsWith('- near.com'));
  expect(lines).toHaveLength(1);
}, 60_000);
