import { executeRenew } from '../../lib/jobs';
import type { DomainOutcome } from '../../lib/notify/port';
import { type Given, given } from '../helpers/builder';

/**
 * Review 2026-12-07, twenty-ninth session (of dbb30a2). The advance notice of a renewal over limits.maxPricePerDomain says "it will not be
 * bought" and records the one notice mark of that (domain, expiry). When the price then comes under the limit (the
 * registrar's price changed, or the notice-day price came from another source), the renewal is bought on the notice
 * period's end with no "to be bought ...; to stop it: autorenew hold" line ever sent: the person was told it would not
 * be bought (and to renew it by hand), and had no veto. Now that notice has a mark of its own (overLimitNoticeMark).
 */
const upcomingOf = (t: Given) =>
  t.notifier.sent.flatMap((m) => m.digest?.outcomes.filter((o) => o.event === 'upcoming') ?? []) as DomainOutcome[];

test('an announced renewal told "will not be bought" is not bought without a notice that it will be', async () => {
  const t = await given({
    domains: [{ domainName: 'a.com', expiresAtMs: Date.parse('2026-12-19T06:00:00Z'), priceMinor: 6900 }],
    balance: 1000,
    policy: {
      notify: { advanceDays: 7 },
      limits: { maxPricePerDomain: '100' },
      rules: [{ name: 'two', match: ['a.com'], years: 2 }],
    },
  });
  await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'n1' });
  expect(upcomingOf(t).map((o) => o.reason)).toEqual([expect.stringMatching(/it will not be bought/)]);
  // The registrar's price drops (45 x 2 = 90, under the limit of 100).
  (t.registrar.domains.get('a.com') as { priceMinor?: number }).priceMinor = 4500;
  for (let day = 1; day <= 9; day++) {
    t.advance('1d');
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: `n${day + 1}` });
  }
  const bought = t.registrar.submissions().some((s) => s.domainName === 'a.com');
  const toldToBeBought = upcomingOf(t).some((o) => o.domain === 'a.com' && /to be bought/.test(o.reason ?? ''));
  expect({ bought, toldToBeBought }).not.toEqual({ bought: true, toldToBeBought: false });
});
