import type { Registrar } from '../../lib/registrar/port';
import { given } from '../helpers/builder';
import { renewBesideCheck } from '../helpers/renew-beside-check';

const DAY = 86_400_000;

/**
 * The "Watch list full" note (renewal/watch.ts) rides on the renew digest's notes, and a renew digest with no line and
 * no error renders nothing (digest.ts selectContent): the note is dropped on every run that has no line the policy
 * e-mails. A policy that e-mails trouble only (the required will-lapse, stuck and unknown, plus failed and error: it
 * loads) has no line while the renew job buys a large batch of due renewals: 2 500 due at once, 250 bought a day, the
 * list full for ten days, not a single message. x.com, due with them but expiring last, was left off the list; from
 * day 1 the listing stops showing it (a RAM policy scoped to a resource group, the watch list's very case): it drops
 * out of every plan, is never looked up, and reaches its expiry unnamed, with no one ever told the list was partial
 * (review 2026-12-07, twenty-seventh session). Now the full list is the digest's error once a UTC day.
 */
test('a full watch list is told even when the renew digest has no line the policy e-mails', async () => {
  const long = (i: number) => `${'a'.repeat(50)}${i}.${'b'.repeat(60)}.${'c'.repeat(60)}.com`;
  const fillers = Array.from({ length: 2500 }, (_, i) => `${long(i)}+29d`);
  const t = await given({
    domains: [...fillers, 'x.com+30d'],
    policy: {
      limits: { maxDomainsPerRun: 250 },
      notify: { events: ['will-lapse', 'stuck', 'unknown', 'failed', 'error'] },
    },
  });
  const hide = new Set<string>();
  const registrar: Registrar = {
    ...t.registrar,
    listDomains: async (q) => (await t.registrar.listDomains(q)).filter((d) => !hide.has(d.domainName)),
  };
  // The check job runs hourly, as deployed: its last run finished an hour ago (no check-silent error).
  const run = (id: string) => renewBesideCheck(t, id, { registrar });

  const r0 = await run('day-0');
  // x.com is due (30 days left), deferred by the per-run cap: it would be watched were the list not full.
  expect(r0.plan.decisions.find((d) => d.domain.domainName === 'x.com')?.reason).not.toBe('not-due');

  // From day 1 the listing leaves x.com out; the account still holds it. Day 30: its expiry.
  hide.add('x.com');
  for (let day = 1; day <= 30; day++) {
    t.advance(DAY);
    await run(`day-${day}`);
  }
  const bought = t.registrar.submissions().map((s) => s.domainName);
  expect(bought).toHaveLength(2500); // every filler bought, 250 a day
  expect(bought).not.toContain('x.com');
  const all = t.notifier.sent.map((m) => m.email).join('\n');
  const named = /x\.com/.test(all);
  const toldFull = /watch list/i.test(all);
  expect(named || toldFull).toBe(true); // before: no message at all in 31 runs
});
