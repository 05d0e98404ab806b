import { executeCheck, executeRenew } from '../../lib/jobs';
import { spendBudgetName, utcMonth } from '../../lib/renewal/budgets';
import { given, policyOf } from '../helpers/builder';

/**
 * Review 2026-12-08, thirty-second session (claims taken ahead). Claims taken ahead (claim-ahead.ts), then the month's money budget (limits.maxSpendPerMonth) cuts x.io out of its
 * batch (run-renew.ts sendEach): its claim is released, best effort, and the rest of the batch is sent. One ledger
 * write fails: that release. x.io's claim stays CLAIMED under a batch that was sent without it (docs/design.md:
 * "a live claim the daily sweep repairs once that batch closes"; check sweeps once a UTC day, and today's sweep ran
 * before the renew run).
 *
 * The digest tells a person: x.io "will lapse ... the next chance, 2026-12-01, is after it expires: renew it by hand
 * or raise the limit". The person raises the limit and runs renew again (docs/deploy.md, "Run a job now"). That run
 * plans x.io `in-flight` (its own stray claim), buys nothing, and says nothing: no line names x.io. Tomorrow's
 * sweep releases the claim, but the next daily run is at the expiry (window.daysAfterExpiry 0): it lapses. The
 * release is now tried again (submit-batch.ts releaseLeftOut).
 */
test('a held-back claim whose release failed does not silently block the run a person starts after raising the cap', async () => {
  const policy = { limits: { maxSpendPerMonth: '1000' }, window: { daysAfterExpiry: 0 } };
  const t = await given({ domains: ['a.com+1d', 'x.io+1d'], policy });
  await executeCheck(t.deps(), { policy: t.policy, runId: 'c0' }); // today's sweep (once a UTC day) has run
  // 900 of the month's 1000 CNY spent: a.com (69) fits, x.io (398) does not.
  const month = utcMonth(t.clock.now());
  await t.ledger.takeBudget({ name: spendBudgetName('CNY'), period: month, amount: 90_000, cap: 100_000, nowMs: 0 });
  // The first claim write after the budget take (x.io's release) fails; every other write succeeds.
  let armed = false;
  t.ledger.faults.before = (op) => {
    if (op === 'takeBudget') armed = true;
    if (armed && op === 'saveClaim') {
      armed = false;
      throw new Error('ledger throttled (injected)');
    }
  };
  const first = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r1' });
  t.ledger.faults.before = undefined;
  expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.com']);
  expect(first.heldBack.map((h) => `${h.decision.domain.domainName}:${h.limitedBy}`)).toEqual(['x.io:month-spend']);
  // The advice the person follows.
  expect(t.notifier.sent.at(-1)?.email).toMatch(/- x\.io: .*renew it by hand or raise the limit/);

  t.advance('1h');
  await executeCheck(t.deps(), { policy: t.policy, runId: 'c1' });
  t.notifier.sent.length = 0;
  const raised = policyOf({ ...policy, limits: { maxSpendPerMonth: '2000' } });
  await executeRenew(t.deps(), { policy: raised, dryRun: false, runId: 'r2' });

  const bought = t.registrar.submissions().some((s) => s.domainName === 'x.io');
  const named = t.notifier.sent.some((m) => m.email.includes('x.io'));
  // Bought now, or at least named with why not (it expires before the next daily run can buy it).
  expect({ bought, named }).not.toEqual({ bought: false, named: false });
});
