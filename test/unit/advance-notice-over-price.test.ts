import { executeRenew } from '../../lib/jobs';
import type { DomainOutcome } from '../../lib/notify/port';
import { given } from '../helpers/builder';

/**
 * Review 2026-12-07 (the prices review of the twenty-eighth session, fixed in the twenty-ninth): the advance notice
 * announced a renewal that costs more than limits.maxPricePerDomain as "to be bought from <date>", and the shortfall
 * behind the TopUpNeeded alarm counted its price. The planner never buys it (`over-price`, a will-lapse line once it
 * is due): a person read that it would be bought, and was asked to top up for it.
 */
const notice = { notify: { advanceDays: 7 } };

const upcomingOf = (t: Awaited<ReturnType<typeof given>>) =>
  t.notifier.sent.flatMap((m) => m.digest?.outcomes.filter((o) => o.event === 'upcoming') ?? []) as DomainOutcome[];

describe('an announced renewal over limits.maxPricePerDomain', () => {
  test('is announced as not to be bought, with its price and the limit', async () => {
    // The table's price of a .com is 69 CNY; the limit is 50.
    const t = await given({ domains: ['a.com+20d'], policy: { ...notice, limits: { maxPricePerDomain: '50' } } });
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'n1' });
    const [line] = upcomingOf(t);
    expect(line).toMatchObject({ domain: 'a.com', price: { minor: 6900, currency: 'CNY' } });
    expect(line?.reason).not.toMatch(/to be bought/);
    expect(line?.reason).toMatch(/more than limits\.maxPricePerDomain \(50\.00 CNY\): it will not be bought/);
  });

  test('is not counted in the shortfall', async () => {
    // b.com (69) is bought now (limit 100), a.com (69 x 2 years = 138) is announced over the limit: 69 against 100.
    const t = await given({
      domains: ['a.com+20d', 'b.com+5d'],
      balance: 100,
      policy: {
        ...notice,
        limits: { maxPricePerDomain: '100' },
        rules: [{ name: 'two', match: ['a.com'], years: 2 }],
      },
    });
    const run = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 's1' });
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['b.com']);
    expect(run.plan.upcoming.map((u) => [u.domain.domainName, u.price?.minor])).toEqual([['a.com', 13800]]);
    expect(run.plan.money?.shortfall).toEqual({ minor: 0, currency: 'CNY' });
  });
});

test('due while over the limit: skipped as over-price, so its will-lapse lines come at 30 days as before', async () => {
  // Due (window 30 days) and 25 days from its expiry, announced over the limit: no notice period starts.
  const t = await given({ domains: ['a.com+25d'], policy: { ...notice, limits: { maxPricePerDomain: '50' } } });
  const run = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'n1' });
  expect(run.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([['a.com', 'over-price']]);
  const lapse = t.notifier.sent.flatMap((m) => m.digest?.outcomes ?? []).filter((o) => o.event === 'will-lapse');
  expect(lapse.map((o) => o.domain)).toEqual(['a.com']);
});
