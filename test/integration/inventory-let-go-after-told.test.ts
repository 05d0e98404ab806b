import { given, policyOf } from '../helpers/builder';
import { hidingFromListings } from '../helpers/faulty';
import { renewBesideCheck } from '../helpers/renew-beside-check';

const DAY = 86_400_000;

/**
 * Review of the weekly inventory (s33d). A domain retired by moving it to an archive resource group the key does not
 * list leaves the listing; the inventory tells it "check ... whether it left the account on purpose; it is watched
 * from now on". The operator answers as the docs and the line suggest: a `renew: false` rule for it. The policy is
 * consulted only when the inventory compares (inventory.ts findLeftListing); the watch list (watch.ts) never
 * consults it: the domain the policy now lets go is paged by SMS at 7, 3 and 1 days and after its expiry, the very
 * storm the first review's opted-out finding removed, and no policy edit stops it.
 */
test('a domain opted out after it left the listing pages no one', async () => {
  const t = await given({ domains: ['keep.com+200d', 'old-x.com+60d'] });
  const retired = policyOf({ rules: [{ name: 'retired', match: ['old-x.com'], renew: false }] });
  let policy = t.policy;
  const hidden = new Set<string>();
  const registrar = hidingFromListings(t.registrar, hidden);
  const run = async (id: string) => {
    await renewBesideCheck(t, id, { registrar }, policy);
  };
  await run('day-0'); // the first inventory
  hidden.add('old-x.com'); // moved to an archive resource group the key does not list; the account still holds it
  const told: number[] = [];
  const paged: number[] = [];
  for (let day = 1; day <= 66; day++) {
    t.advance(DAY);
    if (day === 8) policy = retired; // told on day 7 that it left; the operator opts it out
    const before = t.notifier.sent.length;
    await run(`day-${day}`);
    for (const m of t.notifier.sent.slice(before)) {
      if (/- old-x\.com: /.test(m.email)) told.push(day);
      if (m.smsLapsing && m.sms.includes('old-x.com')) paged.push(day);
    }
  }
  expect(told[0]).toBe(7); // the inventory's line, before the rule
  expect(t.registrar.submissions().map((s) => s.domainName)).not.toContain('old-x.com');
  expect(paged).toEqual([]);
}, 120_000);
