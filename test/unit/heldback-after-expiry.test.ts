import { executeRenew } from '../../lib/jobs';
import { DOMAIN_BUDGET, utcDay } from '../../lib/renewal/budgets';
import { given } from '../helpers/builder';

/**
 * Review k (time, dates, expiries). A due domain held back by a ledger budget (today's domain count, used by an
 * earlier run the same UTC day) gets a `deferred` line saying "the next UTC day's run buys it". collectHeldBack
 * (run-notices.ts) adds a will-lapse line when the next chance comes after the EXPIRY, but for a domain already
 * past its expiry it assumes "a later run buys it within its grace": it does not look at the end of the window the
 * planner will buy in (window.daysAfterExpiry, and GRACE_DAYS = 30 after which the planner calls it `redemption`).
 * On the last day of that window the advice "the next run buys it" is wrong: the next run skips it (past-window /
 * redemption), and the person who followed the advice (do nothing) loses the domain. Review 2026-12-05 round 4
 * (helper F) fixed the same wrong advice before the expiry; this is its twin after the expiry.
 */

async function exhaustToday(t: Awaited<ReturnType<typeof given>>, cap: number) {
  const period = utcDay(t.clock.now());
  await t.ledger.takeBudget({ name: DOMAIN_BUDGET, period, amount: cap, cap, nowMs: t.clock.now() });
}

describe('held back on the last day it can be bought (review k)', () => {
  test('default policy: 29.5 days past expiry, today\'s budget used: told to act, not "the next run buys it"', async () => {
    // 06:00 UTC; expired 29 d 12 h ago: due (grace 30 d). Tomorrow's run finds it 30.5 d past: `redemption`.
    const t = await given({ domains: ['a.com-708h'], policy: { limits: { maxDomainsPerRun: 5 } } });
    await exhaustToday(t, 5);
    const run = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r1' });
    expect(run.heldBack.map((h) => [h.decision.domain.domainName, h.limitedBy])).toEqual([['a.com', 'day-count']]);
    const email = t.notifier.sent.at(-1)?.email ?? '';
    // What the next run does with it:
    t.advance('24h');
    const next = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r2' });
    expect(next.plan.decisions[0]?.reason).toBe('redemption');
    expect(t.registrar.submissions()).toEqual([]);
    // So the first run's digest must not leave it at "the next UTC day's run buys it": a will-lapse line says to act.
    expect(email).toMatch(/^Will lapse \(1\)/m);
  });

  test("window.daysAfterExpiry 2: 40 h past expiry, today's budget used: a will-lapse line, since the next run is past the window", async () => {
    const t = await given({
      domains: ['a.com-40h'],
      policy: { limits: { maxDomainsPerRun: 5 }, window: { daysBeforeExpiry: 30, daysAfterExpiry: 2 } },
    });
    await exhaustToday(t, 5);
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r1' });
    const email = t.notifier.sent.at(-1)?.email ?? '';
    t.advance('24h');
    const next = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r2' });
    expect(next.plan.decisions[0]?.reason).toBe('past-window');
    expect(t.registrar.submissions()).toEqual([]);
    expect(email).toMatch(/^Will lapse \(1\)/m);
  });
});
