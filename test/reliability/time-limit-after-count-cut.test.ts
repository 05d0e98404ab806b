import { DOMAIN_BUDGET, utcDay } from '../../lib/renewal/budgets';
import { computeTimeMarginMs } from '../../lib/renewal/time-margin';
import { given } from '../helpers/builder';

/**
 * A count that cuts a batch names the later batches `day-count` and releases them (run-renew.ts); when that batch is
 * then given back unsent at its paid call for time (TimeLimitError), the later batches are named again, `time`, and
 * released again. The stoppedBy path guards exactly this ("Named once: a count that held back part of this batch
 * has named the later ones already"); the time path does not: the digest tells one domain two different things
 * (next UTC day's budget, and "the next run tries again").
 */
test('a batch cut by the day count and then for time names each later domain once', async () => {
  // [a 1d, y 20d] share a coupon rule (batch 1); z 25d is batch 2. One of the day's 3 domains is left.
  const t = await given({
    domains: ['a.com+1d', 'y.com+20d', 'z.com+25d'],
    policy: {
      rules: [{ name: 'promo', match: ['a.com', 'y.com'], coupon: 'C-1' }],
      limits: { maxDomainsPerRun: 3 },
    },
  });
  await t.ledger.takeBudget({ name: DOMAIN_BUDGET, period: utcDay(t.clock.now()), amount: 2, cap: 3, nowMs: 0 });
  const margin = computeTimeMarginMs(t.registrar.worstCaseCallMs);
  const deadline = t.clock.now() + margin + 2_000;
  let slowed = false;
  t.ledger.faults.before = (op) => {
    if (op === 'takeBudget' && !slowed) {
      slowed = true;
      t.advance(5_000); // a slow budget take: past the margin before the submit start
    }
  };
  const run = await t.renew({ deps: { remainingMs: () => deadline - t.clock.now() } });
  expect(run.plan.batches.map((b) => b.items.map((d) => d.domain.domainName))).toEqual([['a.com', 'y.com'], ['z.com']]);
  expect(t.registrar.submissions()).toHaveLength(0);
  const named = run.heldBack.map((h) => `${h.decision.domain.domainName}:${h.limitedBy}`);
  const z = named.filter((n) => n.startsWith('z.com'));
  expect(z).toHaveLength(1);
});
