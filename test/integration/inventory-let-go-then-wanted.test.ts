import { given, policyOf } from '../helpers/builder';
import { hidingFromListings } from '../helpers/faulty';
import { renewBesideCheck } from '../helpers/renew-beside-check';

const DAY = 86_400_000;

/**
 * Review of the weekly inventory (s33d). findLeftListing drops a name that left the listing when the policy of THAT
 * day opts it out (inventory.ts isOptedOut), and the inventory stored that day no longer holds it: the decision is
 * never taken again. A domain retired (renew: false) and moved to an archive resource group the key does not list,
 * then wanted back (the rule removed a few days later): the policy now says renew it, the renew job cannot see it,
 * and it lapses with nobody told. (Likewise a domain listed in an opted-out group that moves to a group the key does
 * not list: the group stored with the last inventory decides.)
 */
test('a domain that left while opted out is named once the policy wants it renewed', async () => {
  const retired = { rules: [{ name: 'retired', match: ['old-x.com'], renew: false }] };
  const t = await given({ domains: ['keep.com+300d', 'old-x.com+100d'], policy: retired });
  const wanted = policyOf({});
  let policy = t.policy;
  const hidden = new Set<string>();
  const registrar = hidingFromListings(t.registrar, hidden);
  const run = async (id: string) => {
    await renewBesideCheck(t, id, { registrar }, policy);
  };
  await run('day-0'); // the first inventory
  hidden.add('old-x.com'); // moved to an archive resource group the key does not list
  const told: number[] = [];
  for (let day = 1; day <= 100; day++) {
    t.advance(DAY);
    if (day === 10) policy = wanted; // the rule is removed: old-x.com is to be renewed after all
    const before = t.notifier.sent.length;
    await run(`day-${day}`);
    for (const m of t.notifier.sent.slice(before)) if (/- old-x\.com: /.test(m.email)) told.push(day);
  }
  expect(t.registrar.submissions().map((s) => s.domainName)).not.toContain('old-x.com');
  // The policy wants it renewed and the job cannot buy it: someone is told before it lapses.
  expect(told).not.toEqual([]);
}, 120_000);
