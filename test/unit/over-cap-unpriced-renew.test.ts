import { executeRenew } from '../../lib/jobs';
import type { DomainOutcome } from '../../lib/notify/port';
import { forecastRenewals } from '../../lib/renewal/forecast';
import { type Given, given } from '../helpers/builder';

/**
 * Review 2026-12-07, twenty-ninth session (fourth round, of 6d4617e): money.unpriced "renew" counts an unpriced renewal at limits.maxPricePerDomain. With
 * maxPricePerDomain above maxSpendPerRun (nothing in the schema ties them), every unpriced renewal is alone over the
 * cap: the money pass skips it as `over-cap` once due, yet the advance notice (UpcomingRenewal.notBought only looks at
 * a real price) announces it "to be bought", and the forecast lists and totals it as bought.
 */
const policy = {
  money: { unpriced: 'renew' },
  notify: { advanceDays: 7 },
  limits: { maxPricePerDomain: '500', maxSpendPerRun: '300' },
};
const upcomingOf = (t: Given) =>
  t.notifier.sent.flatMap((m) => m.digest?.outcomes.filter((o) => o.event === 'upcoming') ?? []) as DomainOutcome[];

test('an unpriced renewal counted over a spending cap is not announced "to be bought"', async () => {
  const t = await given({ domains: ['a.org+35d'], balance: '100000', policy });
  t.registrar.faults.quotesRefused = true; // no registrar price, no table: unpriced, counted at 500 > 300
  await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'n1' });
  const [line] = upcomingOf(t);
  t.advance('8d');
  const later = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'n2' });
  // What the job does once the notice has run: never buys it (over-cap).
  expect(later.plan.decisions.map((d) => [d.domain.domainName, d.action, d.reason])).toEqual([
    ['a.org', 'skip', 'over-cap'],
  ]);
  expect(t.registrar.submissions()).toEqual([]);
  // ... yet it was announced as to be bought.
  expect(line?.reason).not.toMatch(/to be bought/);
});

test('the forecast does not list as bought an unpriced renewal counted over a spending cap', async () => {
  const t = await given({ domains: ['a.org+10d'], policy: { ...policy, notify: { advanceDays: 0 } } });
  t.registrar.faults.quotesRefused = true;
  const domains = await t.registrar.listDomains({});
  const f = forecastRenewals({ domains, policy: t.policy, holds: [], nowMs: t.clock.now(), months: 3 });
  const run = await t.renew();
  expect(run.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([['a.org', 'over-cap']]);
  expect({ renewals: f.renewals.map((r) => r.domain), total: f.total.minor }).toEqual({ renewals: [], total: 0 });
});
