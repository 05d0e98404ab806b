import { executeRenew } from '../../lib/jobs';
import type { DomainOutcome } from '../../lib/notify/port';
import { type Given, given } from '../helpers/builder';

/**
 * Review 2026-12-07, twenty-ninth session (of 0bba525): a due renewal that alone costs more than limits.maxSpendPerRun, when the balance is short
 * too, is deferred `low-balance` and its deferred line asks "top up 88.00 CNY before <date>" (money.deferred.topUp counts
 * it; 0bba525 left it out of the shortfall only). Topped up, it is deferred `over-spend` every day: the top-up buys nothing. Now
 * such a renewal is skipped as `over-cap` (a will-lapse reason), never deferred nor topped up for.
 */

const linesOf = (t: Given, event: string) =>
  t.notifier.sent.flatMap((m) => m.digest?.outcomes.filter((o) => o.event === event) ?? []) as DomainOutcome[];

test('a due renewal that alone costs more than maxSpendPerRun is not told to be bought by a top-up', async () => {
  // a.com: 69 x 2 years = 138 against a run cap of 100: no run ever buys it. The balance (50) is short too.
  const t = await given({
    domains: ['a.com+5d'],
    balance: 50,
    policy: { limits: { maxSpendPerRun: '100' }, rules: [{ name: 'two', match: ['a.com'], years: 2 }] },
  });
  const first = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'n1' });
  const told = JSON.stringify(t.notifier.sent.map((m) => [m.sms, m.email]));
  // The person tops up as told: still never bought.
  t.billing!.cash = { minor: 1_000_000, currency: 'CNY' };
  t.advance('1d');
  const later = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'n2' });
  expect(later.plan.decisions.map((d) => d.reason)).toEqual(['over-cap']);
  expect(t.registrar.submissions()).toEqual([]);
  // ... yet the first run deferred it for the balance and asked for a top-up of 88.00 CNY that buys nothing.
  expect({
    topUp: first.plan.money?.deferred?.topUp,
    // No amount to top up (the generic money advice may still name topping up among its choices).
    told: /top up [\d,.]+ CNY/i.test(told),
    lines: linesOf(t, 'deferred').length,
  }).toEqual({ topUp: undefined, told: false, lines: expect.any(Number) });
});
