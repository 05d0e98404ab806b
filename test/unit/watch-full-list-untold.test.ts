import { executeRenew } from '../../lib/jobs';
import type { Registrar } from '../../lib/registrar/port';
import { given } from '../helpers/builder';

const DAY = 86_400_000;

/**
 * The watch list is one item cut to 350 KB, the soonest expiries kept (ledger/items.ts fitWatch). A portfolio that
 * announces more renewals at once than fit (thousands of short names; here 2 500 long ones) leaves the latest out:
 * only a log line says so. One of those the listing then stops showing (the watch list's very case: a resource group)
 * is never named again before it lapses, and no digest ever said the watch list was partial (review 2026-12-07,
 * twenty-sixth session). Now the digest says so, and the renewals the listing no longer shows are kept first.
 */
test('a renewal the full watch list left out is named when the listing stops showing it, or the digest says the list is full', async () => {
  const long = (i: number) => `${'a'.repeat(50)}${i}.${'b'.repeat(60)}.${'c'.repeat(60)}.com`;
  const fillers = Array.from({ length: 2500 }, (_, i) => `${long(i)}+35d`);
  const t = await given({ domains: [...fillers, 'x.com+36d'], policy: { notify: { advanceDays: 7 } } });
  const hide = new Set<string>();
  const registrar: Registrar = {
    ...t.registrar,
    listDomains: async (q) => (await t.registrar.listDomains(q)).filter((d) => !hide.has(d.domainName)),
  };
  const run = (id: string) => executeRenew(t.deps({ registrar }), { policy: t.policy, dryRun: false, runId: id });

  const r0 = await run('day-0');
  expect(r0.plan.upcoming.map((u) => u.domain.domainName)).toContain('x.com'); // announced
  const first = t.notifier.sent.map((m) => m.email).join('\n');
  t.notifier.sent.length = 0;

  // From day 1 the listing leaves x.com out; the account still holds it. Day 6: 30 days left, the first threshold.
  hide.add('x.com');
  for (let day = 1; day <= 6; day++) {
    t.advance(DAY);
    await run(`day-${day}`);
  }
  expect(t.registrar.submissions()).toHaveLength(0);
  const later = t.notifier.sent.map((m) => m.email).join('\n');
  const named = /x\.com[^\n]*not-listed/.test(later);
  const toldFull = /watch list/i.test(first + later);
  expect(named || toldFull).toBe(true);
});
